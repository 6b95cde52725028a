import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from './helpers/app.js';
import { freePort, runHerald, waitForReady, type HeraldProcess } from './helpers/process.js';

const running: HeraldProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function start(command: string, env: Record<string, string>) {
  const port = await freePort();
  const proc = runHerald(command, { PORT: String(port), HERALD_PUBLIC_URL: `http://127.0.0.1:${port}`, ...env });
  running.push(proc);
  await waitForReady(proc);
  return proc;
}

async function post(base: string, path: string, body: unknown) {
  const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

const account = { email: 'Owner@Example.com', password: 'a long enough password', name: 'Olive Owner' };

describe.runIf(process.env.HERALD_TEST_DB !== 'postgres')('embedded mode (PGlite on disk)', () => {
  it('generates its secret key once (0600), and a restart keeps every row', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'herald-cli-'));
    dirs.push(dataDir);
    const first = await start('start', { HERALD_DATA_DIR: dataDir });
    expect((await post(first.url, '/api/v1/auth/register', account)).status).toBe(201);
    expect(await first.stop('SIGTERM')).toBe(0);

    const keyFile = await stat(join(dataDir, 'secret-keys.json'));
    expect(keyFile.mode & 0o777).toBe(0o600);

    const second = await start('start', { HERALD_DATA_DIR: dataDir });
    const login = await post(second.url, '/api/v1/auth/login', { email: 'owner@example.com', password: account.password });
    // Loopback with a public URL: nothing to warn about.
    expect(first.output() + second.output()).not.toContain('HERALD_PUBLIC_URL is not set');
    expect(login.status).toBe(200);
    expect(login.body.user.name).toBe('Olive Owner');
    await second.stop();
  }, 120_000);

  it('herald users reset-password prints a one-time reset link for the operator', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'herald-cli-'));
    dirs.push(dataDir);
    const port = await freePort();
    const env = { HERALD_DATA_DIR: dataDir, PORT: String(port), HERALD_PUBLIC_URL: `http://127.0.0.1:${port}` };
    const first = await start('start', env);
    expect((await post(first.url, '/api/v1/auth/register', account)).status).toBe(201);
    expect(await first.stop('SIGTERM')).toBe(0);

    const unknown = runHerald('users', { ...env, LOG_LEVEL: 'warn' });
    expect(await unknown.exited).toBe(2);
    const nobody = runHerald('users reset-password nobody@example.com', env);
    expect(await nobody.exited).toBe(1);
    expect(nobody.output()).toContain('No account uses nobody@example.com');

    const cli = runHerald('users reset-password OWNER@example.com', env);
    expect(await cli.exited).toBe(0);
    const link = new RegExp(`http://127\\.0\\.0\\.1:${port}/reset-password\\?token=([A-Za-z0-9_-]{40,})`).exec(cli.output());
    expect(link?.[1]).toBeDefined();

    const second = await start('start', env);
    const confirm = await fetch(`${second.url}/api/v1/auth/password-reset/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: link![1], password: 'set from the operator link' }),
    });
    expect(confirm.status).toBe(204);
    expect((await post(second.url, '/api/v1/auth/login', { email: account.email, password: account.password })).status).toBe(401);
    expect((await post(second.url, '/api/v1/auth/login', { email: account.email, password: 'set from the operator link' })).status).toBe(200);
    await second.stop();
  }, 180_000);
});

describe.runIf(process.env.HERALD_TEST_DB !== 'postgres')('public URL warning', () => {
  const WARNING = 'HERALD_PUBLIC_URL is not set';

  it('warns at start when listening beyond loopback without HERALD_PUBLIC_URL', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'herald-cli-'));
    dirs.push(dataDir);
    const port = await freePort();
    const proc = runHerald('start', { HOST: '0.0.0.0', PORT: String(port), HERALD_DATA_DIR: dataDir });
    running.push(proc);
    await waitForReady(proc);
    const deadline = Date.now() + 10_000;
    while (!proc.output().includes('Herald is running') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const warning = proc.output().split('\n').find((line) => line.includes(WARNING));
    expect(warning, proc.output()).toBeDefined();
    const entry = JSON.parse(warning!) as { level: number; msg: string; host: string; publicUrl: string };
    expect(entry).toMatchObject({ level: 40, host: '0.0.0.0', publicUrl: `http://localhost:${port}` });
    expect(entry.msg).toContain(`links in emails (invitations, password resets) and OAuth redirects will point at http://localhost:${port}`);
    expect(entry.msg).toContain('Set HERALD_PUBLIC_URL');
    await proc.stop();
  }, 120_000);
});

describe.runIf(process.env.HERALD_TEST_DB === 'postgres')('production mode (PostgreSQL)', () => {
  it('migrates, then serves one database from several api processes and a worker', async () => {
    const db = await createPostgresDatabase();
    try {
      const secret = `k1:${randomBytes(32).toString('base64')}`;
      const dataDir = await mkdtemp(join(tmpdir(), 'herald-cli-'));
      dirs.push(dataDir);
      const env = { DATABASE_URL: db.url, HERALD_SECRET_KEYS: secret, HERALD_DATA_DIR: dataDir };

      const migrate = runHerald('migrate', env);
      expect(await migrate.exited).toBe(0);

      const [a, b] = await Promise.all([start('api', env), start('api', env)]);
      const worker = runHerald('worker', env);
      running.push(worker);

      expect((await post(a.url, '/api/v1/auth/register', account)).status).toBe(201);
      const login = await post(b.url, '/api/v1/auth/login', { email: account.email, password: account.password });
      expect(login.status).toBe(200);
      const me = await fetch(`${a.url}/api/v1/me`, { headers: { authorization: `Bearer ${login.body.accessToken}` } });
      expect(me.status).toBe(200);

      await Promise.all([a.stop(), b.stop(), worker.stop()]);
    } finally {
      await db.drop();
    }
  }, 120_000);
});
