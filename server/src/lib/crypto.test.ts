import { randomBytes } from 'node:crypto';
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
    const c1 = ring.encrypt('page token');
    const c2 = ring.encrypt('page token');
    expect(c1).not.toBe(c2);
    expect(c1).not.toContain('page token');
    expect(ring.decrypt(c1)).toBe('page token');
    expect(KeyRing.keyIdOf(c1)).toBe('a');
  });

  it('rejects a tampered ciphertext', () => {
    const parts = ring.encrypt('secret').split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => ring.decrypt(parts.join('.'))).toThrow();
  });

  it('decrypts with older keys after rotation and encrypts with the newest', () => {
    const oldKey = { id: 'old', key: randomBytes(32) };
    const before = new KeyRing([oldKey]).encrypt('x');
    const rotated = new KeyRing([{ id: 'new', key: randomBytes(32) }, oldKey]);
    expect(rotated.decrypt(before)).toBe('x');
    expect(KeyRing.keyIdOf(rotated.encrypt('x'))).toBe('new');
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
    expect(second.decrypt(first.encrypt('kept'))).toBe('kept');
  });

  it('rotation adds a newest key and keeps the old ones', async () => {
    const dir = await tempDir();
    const first = await loadKeyRing(undefined, dir);
    const sealed = first.encrypt('v');
    const newId = await addKeyToFile(dir);
    const after = await loadKeyRing(undefined, dir);
    expect(after.current.id).toBe(newId);
    expect(after.decrypt(sealed)).toBe('v');
    expect(JSON.parse(await readFile(join(dir, 'secret-keys.json'), 'utf8')).keys).toHaveLength(2);
  });
});

it('hashToken is a stable SHA-256', () => {
  expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
