import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { channels } from '../src/db/schema.js';
import { KeyRing } from '../src/lib/crypto.js';
import { CREDENTIALS_PURPOSE } from '../src/modules/channels/credentials.js';
import { openChannel, saveChannelCredentials } from '../src/modules/channels/publishing-access.js';
import { reencryptChannel, rotateChannelKeys } from '../src/modules/channels/rotate-keys.js';
import { createRuntime } from '../src/runtime.js';
import { createPostgresDatabase, createTestApp, type TestApp } from './helpers/app.js';
import { call, signUp } from './helpers/http.js';
import { runHerald } from './helpers/process.js';

/** `herald rotate-keys`: channel credentials move to the newest key, nothing else changes. */

const ENV = { AUTH_RATE_LIMIT_MAX: '100000' };

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(ENV);
});
afterAll(async () => t?.close());

const newKey = (id: string) => ({ id, key: randomBytes(32) });

/** A value as Herald wrote it before purposes existed: `v1.<keyId>.<iv>.<tag>.<data>`, no additional data. */
function sealLegacyV1(key: { id: string; key: Buffer }, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', key.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

/** The ring as an operator would grow it: every rotation puts a new key first and keeps the older ones. */
let ring: KeyRing;
function rotateRing(id: string): KeyRing {
  ring = new KeyRing([newKey(id), ...(ring ?? t.runtime.keys).keys]);
  return ring;
}

/** An owner, an organization, a workspace and `n` sandbox channels created through the API. */
async function channelsVia(app: TestApp['app'], n: number) {
  const owner = await signUp(app);
  const token = owner.accessToken;
  const orgId = (await call(app, 'POST', '/api/v1/orgs', { token, body: { name: 'Rotating' } })).body.id as string;
  const workspaceId = (await call(app, 'POST', `/api/v1/orgs/${orgId}/workspaces`, { token, body: { name: 'Brand' } })).body.id as string;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await call(app, 'POST', `/api/v1/workspaces/${workspaceId}/channels/sandbox`, { token, body: { name: `Channel ${i}` } });
    expect(res.status).toBe(201);
    ids.push(res.body.id as string);
  }
  return { token, orgId, workspaceId, ids };
}

async function stored(db = t.runtime.db) {
  const rows = await db.select({ id: channels.id, credentials: channels.credentials, keyId: channels.credentialsKeyId }).from(channels).where(isNotNull(channels.credentials));
  return new Map(rows.map((r) => [r.id, { credentials: r.credentials!, keyId: r.keyId }]));
}

describe('rotateChannelKeys', () => {
  it('re-encrypts every credential under the new key, in batches, and leaves the old-key ring unable to read them', async () => {
    const oldRing = t.runtime.keys;
    const { token, orgId, ids } = await channelsVia(t.app, 5);
    // A disconnected channel has no credentials: nothing to rotate.
    expect((await call(t.app, 'DELETE', `/api/v1/channels/${ids[4]}`, { token })).status).toBe(204);
    const before = await stored();
    const plain = new Map([...before].map(([id, v]) => [id, oldRing.decrypt(v.credentials, CREDENTIALS_PURPOSE)]));
    expect(before.size).toBe(4);
    expect([...before.values()].every((v) => v.keyId === 'test1')).toBe(true);

    rotateRing('test2');
    const result = await rotateChannelKeys(t.runtime.db, ring, { batchSize: 3 });
    expect(result).toEqual({ keyId: 'test2', reencrypted: 4, skipped: 0, unreadable: [] });

    const after = await stored();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [id, v] of after) {
      expect(v.keyId).toBe('test2');
      expect(v.credentials).toMatch(/^v2\.test2\./);
      expect(v.credentials).not.toBe(before.get(id)!.credentials);
      expect(ring.decrypt(v.credentials, CREDENTIALS_PURPOSE)).toBe(plain.get(id));
      expect(() => oldRing.decrypt(v.credentials, CREDENTIALS_PURPOSE)).toThrow(/Unknown secret key id test2/);
    }

    // Publishing reads them with the new ring.
    const opened = await openChannel({ ...t.runtime, keys: ring }, orgId, ids[0]!);
    expect(opened.account.credentials).toEqual(JSON.parse(plain.get(ids[0]!)!));

    // Running again finds nothing left to do.
    expect(await rotateChannelKeys(t.runtime.db, ring)).toEqual({ keyId: 'test2', reencrypted: 0, skipped: 0, unreadable: [] });
    expect(await stored()).toEqual(after);
  });

  it('never overwrites credentials written while it worked', async () => {
    const { orgId, ids } = await channelsVia(t.app, 1);
    const id = ids[0]!;
    rotateRing('test3');
    const [seen] = await t.runtime.db.select({ id: channels.id, credentials: channels.credentials }).from(channels).where(eq(channels.id, id));

    // A token refresh lands between the rotation's read and its write.
    await saveChannelCredentials(t.runtime.db, t.runtime.keys, id, { accessToken: 'sbx_refreshed', expiresAt: null });
    expect(await reencryptChannel(t.runtime.db, ring, { id, credentials: seen!.credentials! })).toBe('changed');
    const opened = await openChannel({ ...t.runtime, keys: ring }, orgId, id);
    expect(opened.account.credentials.accessToken).toBe('sbx_refreshed');
  });

  it('re-seals legacy v1 credentials (no purpose bound) under the current key, even when that key wrote them', async () => {
    const { orgId, ids } = await channelsVia(t.app, 1);
    const id = ids[0]!;
    const current = ring ?? t.runtime.keys;
    const secret = JSON.stringify({ accessToken: 'sbx_legacy_v1' });
    const legacy = sealLegacyV1(current.current, secret);
    await t.runtime.db.update(channels).set({ credentials: legacy, credentialsKeyId: current.current.id }).where(eq(channels.id, id));
    // Still readable as it is: upgrading loses nothing.
    expect((await openChannel({ ...t.runtime, keys: current }, orgId, id)).account.credentials.accessToken).toBe('sbx_legacy_v1');

    const result = await rotateChannelKeys(t.runtime.db, current);
    expect(result.reencrypted).toBeGreaterThanOrEqual(1);
    expect(result.unreadable).not.toContain(id);
    const resealed = (await stored()).get(id)!;
    expect(resealed.credentials).toMatch(new RegExp(`^v2\\.${current.current.id}\\.`));
    expect(current.decrypt(resealed.credentials, CREDENTIALS_PURPOSE)).toBe(secret);
    // Now bound to its column: it does not open as another purpose.
    expect(() => current.decrypt(resealed.credentials, 'oauth_connections.secret')).toThrow();
    expect(await rotateChannelKeys(t.runtime.db, current)).toMatchObject({ reencrypted: 0 });
  });

  it('reports credentials no key of the ring can read, and leaves them alone', async () => {
    const { ids } = await channelsVia(t.app, 1);
    const id = ids[0]!;
    const lost = new KeyRing([newKey('lost')]);
    const orphan = lost.encrypt(JSON.stringify({ accessToken: 'sbx_orphan' }), CREDENTIALS_PURPOSE);
    await t.runtime.db.update(channels).set({ credentials: orphan, credentialsKeyId: 'lost' }).where(eq(channels.id, id));

    const result = await rotateChannelKeys(t.runtime.db, rotateRing('test4'));
    expect(result.unreadable).toEqual([id]);
    expect(result.reencrypted).toBeGreaterThan(0);
    expect((await stored()).get(id)).toEqual({ credentials: orphan, keyId: 'lost' });
  });
});

describe('herald rotate-keys', () => {
  const postgres = process.env.HERALD_TEST_DB === 'postgres';
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it(postgres ? 'uses HERALD_SECRET_KEYS as given (new key first)' : 'adds a key to the data dir key file, then re-encrypts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'herald-rotate-'));
    dirs.push(dataDir);
    const db = postgres ? await createPostgresDatabase() : undefined;
    try {
      const oldKey = `old:${randomBytes(32).toString('base64')}`;
      const nextKey = `next:${randomBytes(32).toString('base64')}`;
      const base = { NODE_ENV: 'test', LOG_LEVEL: 'silent', HERALD_DATA_DIR: dataDir, AUTH_RATE_LIMIT_MAX: '100000', ...(db ? { DATABASE_URL: db.url } : {}) };

      // Herald runs with the old key and connects two channels; then it stops.
      const first = await createRuntime(loadConfig({ ...base, ...(db ? { HERALD_SECRET_KEYS: oldKey } : {}) }), { supervise: false });
      const app = await buildApp(first);
      const { orgId, ids } = await channelsVia(app, 2);
      const before = await stored(first.db);
      const oldKeyId = first.keys.current.id;
      const plain = new Map([...before].map(([id, v]) => [id, first.keys.decrypt(v.credentials, CREDENTIALS_PURPOSE)]));
      await app.close();
      await first.close();

      const env: Record<string, string> = { HERALD_DATA_DIR: dataDir, ...(db ? { DATABASE_URL: db.url, HERALD_SECRET_KEYS: `${nextKey},${oldKey}` } : {}) };
      const proc = runHerald('rotate-keys', env);
      const code = await proc.exited;
      expect(code, proc.output()).toBe(0);
      expect(proc.output()).toMatch(/re-encrypted 2 channel credential/);
      expect(proc.output()).not.toMatch(/sbx_|v[12]\./);

      if (!db) {
        const file = JSON.parse(await readFile(join(dataDir, 'secret-keys.json'), 'utf8')) as { keys: { id: string }[] };
        expect(file.keys).toHaveLength(2);
        expect(file.keys[1]!.id).toBe(oldKeyId);
        expect(proc.output()).toContain(`added secret key ${file.keys[0]!.id}`);
      }

      // Herald starts again with the rotated ring and still reads every channel's credentials.
      const second = await createRuntime(loadConfig({ ...base, ...(db ? { HERALD_SECRET_KEYS: `${nextKey},${oldKey}` } : {}) }), { supervise: false });
      try {
        const newKeyId = second.keys.current.id;
        expect(newKeyId).not.toBe(oldKeyId);
        const after = await stored(second.db);
        for (const id of ids) {
          expect(after.get(id)!.keyId).toBe(newKeyId);
          expect(KeyRing.keyIdOf(after.get(id)!.credentials)).toBe(newKeyId);
          const opened = await openChannel(second, orgId, id);
          expect(opened.account.credentials).toEqual(JSON.parse(plain.get(id)!));
        }
        const oldOnly = new KeyRing(second.keys.keys.filter((k) => k.id === oldKeyId));
        expect(() => oldOnly.decrypt(after.get(ids[0]!)!.credentials, CREDENTIALS_PURPOSE)).toThrow(/Unknown secret key id/);
      } finally {
        await second.close();
      }
    } finally {
      await db?.drop();
    }
  }, 120_000);
});
