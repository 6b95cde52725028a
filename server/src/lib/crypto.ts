import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Secrets at rest: AES-256-GCM under a key id, so keys can rotate, and bound to a purpose.
 *
 * Ciphertext format: `v2.<keyId>.<iv>.<tag>.<data>` (base64url parts, 12-byte IV, 16-byte tag). The
 * additional authenticated data is `v2.<keyId>.<purpose>`, where the purpose names the one place the
 * value may live (`channels.credentials`, a cookie name, …): a ciphertext copied into another column or
 * cookie fails to decrypt there, and so does one whose key id was edited.
 *
 * `v1.<keyId>.<iv>.<tag>.<data>` (no additional data) is the format written before purposes existed. It
 * still decrypts, for any purpose, so an upgrade loses nothing; `herald rotate-keys` re-seals those
 * values as v2.
 */
export interface SecretKey {
  id: string;
  key: Buffer;
}

const TAG_BYTES = 16;
const IV_BYTES = 12;

export class KeyRing {
  private readonly byId: Map<string, Buffer>;

  /** `keys` newest first: the first one encrypts, all of them decrypt. */
  constructor(readonly keys: SecretKey[]) {
    if (keys.length === 0) throw new Error('KeyRing needs at least one key');
    for (const k of keys) {
      if (k.key.length !== 32) throw new Error(`Secret key ${k.id} must be 32 bytes`);
      if (!/^[A-Za-z0-9_-]+$/.test(k.id)) throw new Error(`Secret key id ${k.id} must be [A-Za-z0-9_-]`);
    }
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get current(): SecretKey {
    return this.keys[0]!;
  }

  /** Seals `plaintext` for one `purpose`; only `decrypt(…, samePurpose)` opens it. */
  encrypt(plaintext: string, purpose: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(this.current.id, purpose));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v2', this.current.id, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join('.');
  }

  /** Opens a value sealed for `purpose` (or a legacy v1 value); throws on any mismatch or tampering. */
  decrypt(ciphertext: string, purpose: string): string {
    const [version, keyId, ivText, tagText, dataText, extra] = ciphertext.split('.');
    if ((version !== 'v1' && version !== 'v2') || !keyId || ivText === undefined || tagText === undefined || dataText === undefined || extra !== undefined) {
      throw new Error('Malformed ciphertext');
    }
    const key = this.byId.get(keyId);
    if (!key) throw new Error(`Unknown secret key id ${keyId}`);
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    // A shorter tag would let a forger search a smaller space: only full 16-byte tags are accepted.
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('Malformed ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    if (version === 'v2') decipher.setAAD(additionalData(keyId, purpose));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** The key id a ciphertext was written with (for rotation). */
  static keyIdOf(ciphertext: string): string | undefined {
    return ciphertext.split('.')[1];
  }

  /** A sub-key for one purpose (e.g. signing access tokens), derived from the current key. */
  derive(purpose: string): Uint8Array {
    return new Uint8Array(hkdfSync('sha256', this.current.key, Buffer.alloc(0), `herald:${purpose}`, 32));
  }
}

function additionalData(keyId: string, purpose: string): Buffer {
  if (purpose === '') throw new Error('A sealed value needs a purpose');
  return Buffer.from(`v2.${keyId}.${purpose}`, 'utf8');
}

export function parseSecretKeys(spec: string): SecretKey[] {
  return spec.split(',').map((pair) => {
    const [id, b64] = pair.trim().split(':');
    if (!id || !b64) throw new Error('HERALD_SECRET_KEYS must be comma-separated keyId:base64key pairs');
    return { id, key: Buffer.from(b64, 'base64') };
  });
}

interface KeyFile {
  keys: { id: string; key: string; createdAt: string }[];
}

const KEY_FILE = 'secret-keys.json';

/**
 * Loads the key ring: from HERALD_SECRET_KEYS when given, otherwise from `<dataDir>/secret-keys.json`,
 * which is created (mode 0600) with a fresh key on first start and reused afterwards.
 */
export async function loadKeyRing(secretKeys: string | undefined, dataDir: string): Promise<KeyRing> {
  if (secretKeys) return new KeyRing(parseSecretKeys(secretKeys));
  const path = join(dataDir, KEY_FILE);
  let file: KeyFile;
  try {
    file = JSON.parse(await readFile(path, 'utf8')) as KeyFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    file = { keys: [newKeyEntry()] };
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeFile(path, JSON.stringify(file, null, 2), { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
      // Another process created it first: use theirs.
      if (e.code !== 'EEXIST') throw e;
      file = JSON.parse(await readFile(path, 'utf8')) as KeyFile;
    });
  }
  await chmod(path, 0o600);
  return new KeyRing(file.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })));
}

/** Adds a new newest key to the key file and returns its id (used by `herald rotate-keys`). */
export async function addKeyToFile(dataDir: string): Promise<string> {
  const path = join(dataDir, KEY_FILE);
  const file = JSON.parse(await readFile(path, 'utf8')) as KeyFile;
  const entry = newKeyEntry();
  file.keys.unshift(entry);
  await writeFile(path, JSON.stringify(file, null, 2), { mode: 0o600 });
  return entry.id;
}

function newKeyEntry(): KeyFile['keys'][number] {
  return { id: `k${Date.now().toString(36)}`, key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() };
}

/** A random URL-safe token (for refresh tokens, invitation and reset links). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Tokens are stored only as their SHA-256, so a database leak does not leak live tokens. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
