import { describe, expect, it } from 'vitest';
import { CONTENT_RULES, checkContent, countText } from './rules.js';

describe('countText', () => {
  it('counts X text as X does: URLs are 23, emoji 2', () => {
    expect(countText('hello', 'x-weighted')).toBe(5);
    expect(countText('see https://example.com/a/very/long/path/that/keeps/going', 'x-weighted')).toBe(4 + 23);
    expect(countText('🙂', 'x-weighted')).toBe(2);
    expect(countText('🙂', 'code-points')).toBe(1);
    expect(countText('🙂', 'utf16')).toBe(2);
  });
});

describe('checkContent', () => {
  it('refuses text over the X limit, naming the rule', () => {
    const r = checkContent(CONTENT_RULES.x, 'a'.repeat(281), []);
    expect(r.errors).toEqual([expect.objectContaining({ rule: 'text_too_long' })]);
    expect(checkContent(CONTENT_RULES.x, 'a'.repeat(280), []).errors).toEqual([]);
  });

  it('needs media on Instagram and TikTok', () => {
    expect(checkContent(CONTENT_RULES.instagram, 'hi', []).errors.map((e) => e.rule)).toContain('media_required');
    expect(checkContent(CONTENT_RULES.tiktok, 'hi', []).errors.map((e) => e.rule)).toContain('media_required');
  });

  it('limits X to four images and a GIF alone', () => {
    const img = (id: string, mime = 'image/jpeg', animated = false) => ({ id, kind: 'image' as const, mime, sizeBytes: 1000, width: 100, height: 100, animated });
    expect(checkContent(CONTENT_RULES.x, '', [img('1'), img('2'), img('3'), img('4'), img('5')]).errors.map((e) => e.rule)).toContain('too_many_images');
    expect(checkContent(CONTENT_RULES.x, '', [img('1', 'image/gif', true), img('2')]).errors.map((e) => e.rule)).toContain('gif_not_alone');
  });

  it('adapts an image Instagram would refuse instead of failing', () => {
    const wide = { id: 'w', kind: 'image' as const, mime: 'image/png', sizeBytes: 2_000_000, width: 3000, height: 1000 };
    const r = checkContent(CONTENT_RULES.instagram, 'caption', [wide]);
    expect(r.errors).toEqual([]);
    expect(r.adaptations[0]!.reasons.join(' ')).toMatch(/converted from PNG to JPEG/);
    expect(r.adaptations[0]!.reasons.join(' ')).toMatch(/cropped to 1.91:1/);
    expect(r.adaptations[0]!.reasons.join(' ')).toMatch(/resized to 1440/);
  });

  it('refuses videos it cannot fix', () => {
    const video = { id: 'v', kind: 'video' as const, mime: 'video/quicktime', sizeBytes: 10, durationSeconds: 30 };
    expect(checkContent(CONTENT_RULES.linkedin, '', [video]).errors.map((e) => e.rule)).toEqual(['video_format']);
    expect(checkContent(CONTENT_RULES.x, '', [{ ...video, mime: 'video/mp4', durationSeconds: 200 }]).errors.map((e) => e.rule)).toEqual(['video_too_long']);
  });
});
