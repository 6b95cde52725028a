import { describe, expect, it } from 'vitest';
import { draftKey, readLocalDraft, removeLocalDraft, sameContent, writeLocalDraft, type ComposerContent } from './composer-draft';
import { addHashtags, hasHashtag, removeHashtag } from './composer-extras';
import { previewFrame } from './preview-frames';

class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
}

const content = (text: string): ComposerContent => ({ text, channelIds: ['c1'], mediaIds: [], overrides: {}, schedule: { date: '2026-12-03', time: '09:00' } });

describe('local drafts', () => {
  it('keeps one draft per workspace and post, and drops unreadable or stale ones', () => {
    const storage = new MemoryStorage();
    const key = draftKey('w1', undefined);
    expect(key).not.toBe(draftKey('w1', 'p1'));
    expect(key).not.toBe(draftKey('w2', undefined));
    writeLocalDraft(key, content('Half a thought'), storage, 1000);
    expect(readLocalDraft(key, storage, 2000)).toEqual({ content: content('Half a thought'), savedAt: 1000 });
    expect(readLocalDraft(key, storage, 1000 + 31 * 24 * 3_600_000)).toBeNull();
    expect(storage.getItem(key)).toBeNull();
    storage.setItem(key, '{"content":{"text":5}}');
    expect(readLocalDraft(key, storage)).toBeNull();
    writeLocalDraft(key, content('again'), storage);
    removeLocalDraft(key, storage);
    expect(readLocalDraft(key, storage)).toBeNull();
  });

  it('compares what would be saved, ignoring order of channels and overrides of unselected channels', () => {
    expect(sameContent(content('a'), content('a'))).toBe(true);
    expect(sameContent(content('a'), content('b'))).toBe(false);
    expect(sameContent({ ...content('a'), channelIds: ['c1', 'c2'] }, { ...content('a'), channelIds: ['c2', 'c1'] })).toBe(true);
    expect(sameContent({ ...content('a'), overrides: { c9: { text: 'x' } } }, content('a'))).toBe(true);
    expect(sameContent({ ...content('a'), overrides: { c1: { text: 'x' } } }, content('a'))).toBe(false);
  });
});

describe('default hashtags', () => {
  it('adds each once, on a line of their own, and takes one out again', () => {
    expect(addHashtags('Fresh bread', ['#bakery'])).toBe('Fresh bread\n\n#bakery');
    expect(addHashtags('Fresh bread\n\n#bakery', ['#bakery', '#pune'])).toBe('Fresh bread\n\n#bakery #pune');
    expect(addHashtags('', ['#a', '#b'])).toBe('#a #b');
    expect(hasHashtag('Love #BakeryLife today', '#bakerylife')).toBe(true);
    expect(hasHashtag('Love #bakerylife2 today', '#bakerylife')).toBe(false);
    expect(removeHashtag('Fresh bread\n\n#bakery #pune', '#bakery')).toBe('Fresh bread\n\n#pune');
  });
});

describe('preview frames', () => {
  const square = { kind: 'image', width: 1080, height: 1080 };
  const tall = { kind: 'image', width: 1080, height: 1920 };
  const wide = { kind: 'image', width: 4000, height: 1000 };

  it('crops as each network shows the feed', () => {
    expect(previewFrame('instagram', [square]).aspect).toBe(1);
    expect(previewFrame('instagram', [tall]).aspect).toBe(0.8);
    expect(previewFrame('instagram', [wide]).aspect).toBe(1.91);
    expect(previewFrame('instagram', [square, tall]).layout).toBe('carousel');
    expect(previewFrame('x', [square]).aspect).toBeCloseTo(16 / 9);
    expect(previewFrame('facebook', [square]).aspect).toBe(1);
    expect(previewFrame('linkedin', [tall]).aspect).toBe(0.8);
    expect(previewFrame('tiktok', [square])).toMatchObject({ aspect: 9 / 16, fit: 'contain' });
    expect(previewFrame('tiktok', [{ kind: 'video', width: 1080, height: 1920 }])).toMatchObject({ fit: 'cover' });
    // A square image is never shown as 4:3 (what every network looked like before).
    for (const platform of ['instagram', 'facebook', 'linkedin', 'sandbox']) expect(previewFrame(platform, [square]).aspect).toBe(1);
  });
});
