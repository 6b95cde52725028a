import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addKeyToFile, hashToken, KeyRing, loadKeyRing, parseSecretKeys } from './crypto.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'herald-crypto-'));
  dirs.push(d);
  return d;
}

describe('KeyRing', () => {
  const ring = new KeyRing([{ id: 'a', key: randomBytes(32) }]);

  it('round-trips and never repeats a ciphertext', () => {
    const c1 = ring.encrypt('page token', 'test.purpose');
    const c2 = ring.encrypt('page token', 'test.purpose');
    expect(c1).not.toBe(c2);
    expect(c1).not.toContain('page token');
    expect(ring.decrypt(c1, 'test.purpose')).toBe('page token');
    expect(KeyRing.keyIdOf(c1)).toBe('a');
  });

  it('rejects a tampered ciphertext', () => {
    const parts = ring.encrypt('secret', 'test.purpose').split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => ring.decrypt(parts.join('.'), 'test.purpose')).toThrow();
  });

  it('decrypts with older keys after rotation and encrypts with the newest', () => {
    const oldKey = { id: 'old', key: randomBytes(32) };
    const before = new KeyRing([oldKey]).encrypt('x', 'test.purpose');
    const rotated = new KeyRing([{ id: 'new', key: randomBytes(32) }, oldKey]);
    expect(rotated.decrypt(before, 'test.purpose')).toBe('x');
    expect(KeyRing.keyIdOf(rotated.encrypt('x', 'test.purpose'))).toBe('new');
  });

  it('binds a ciphertext to its purpose: it does not open as another column or cookie', () => {
    const sealed = ring.encrypt('oauth token', 'channels.credentials');
    expect(sealed).toMatch(/^v2\.a\./);
    expect(ring.decrypt(sealed, 'channels.credentials')).toBe('oauth token');
    expect(() => ring.decrypt(sealed, 'oauth_connections.secret')).toThrow();
    expect(() => ring.decrypt(sealed, 'cookie:herald_oidc')).toThrow();
    expect(() => ring.encrypt('x', '')).toThrow(/purpose/);
  });

  it('refuses a ciphertext whose key id was changed to another key of the ring', () => {
    const shared = randomBytes(32);
    const twoIds = new KeyRing([{ id: 'one', key: shared }, { id: 'two', key: shared }]);
    const parts = twoIds.encrypt('s', 'p').split('.');
    parts[1] = 'two';
    expect(() => twoIds.decrypt(parts.join('.'), 'p')).toThrow();
  });

  it('accepts only full 16-byte authentication tags', () => {
    const parts = ring.encrypt('secret', 'p').split('.');
    // A truncated tag: GCM would verify just those bytes unless the tag length is pinned.
    for (const bytes of [4, 8, 12, 15]) {
      const short = [...parts];
      short[3] = Buffer.from(parts[3]!, 'base64url').subarray(0, bytes).toString('base64url');
      expect(() => ring.decrypt(short.join('.'), 'p')).toThrow(/Malformed/);
    }
    expect(() => ring.decrypt(`${parts.join('.')}.extra`, 'p')).toThrow(/Malformed/);
  });

  it('still opens legacy v1 values (no purpose bound), which herald rotate-keys re-seals', () => {
    const key = { id: 'a', key: ring.current.key };
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.key, iv);
    const data = Buffer.concat([cipher.update('old token', 'utf8'), cipher.final()]);
    const legacy = ['v1', 'a', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    expect(ring.decrypt(legacy, 'channels.credentials')).toBe('old token');
  });

  it('refuses keys of the wrong size', () => {
    expect(() => new KeyRing([{ id: 'a', key: randomBytes(16) }])).toThrow(/32 bytes/);
  });

  it('parses HERALD_SECRET_KEYS', () => {
    const k = randomBytes(32).toString('base64');
    expect(parseSecretKeys(`k2:${k}, k1:${k}`).map((x) => x.id)).toEqual(['k2', 'k1']);
    expect(() => parseSecretKeys('nokey')).toThrow();
  });
});

describe('key file in the data directory', () => {
  it('is generated once with mode 0600 and reused on the next start', async () => {
    const dir = await tempDir();
    const first = await loadKeyRing(undefined, dir);
    const mode = (await stat(join(dir, 'secret-keys.json'))).mode & 0o777;
    expect(mode).toBe(0o600);
    const second = await loadKeyRing(undefined, dir);
    expect(second.current.id).toBe(first.current.id);
    expect(second.decrypt(first.encrypt('kept', 'test.purpose'), 'test.purpose')).toBe('kept');
  });

  it('rotation adds a newest key and keeps the old ones', async () => {
    const dir = await tempDir();
    const first = await loadKeyRing(undefined, dir);
    const sealed = first.encrypt('v', 'test.purpose');
    const newId = await addKeyToFile(dir);
    const after = await loadKeyRing(undefined, dir);
    expect(after.current.id).toBe(newId);
    expect(after.decrypt(sealed, 'test.purpose')).toBe('v');
    expect(JSON.parse(await readFile(join(dir, 'secret-keys.json'), 'utf8')).keys).toHaveLength(2);
  });
});

it('hashToken is a stable SHA-256', () => {
  expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
