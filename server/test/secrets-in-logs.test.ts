import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/client.js';
import { createLogger } from '../src/lib/logger.js';
import { syncMetrics } from '../src/modules/metrics/sync.js';
import type { FakeX } from './fakes/x.js';
import { dumpSchema } from './helpers/db-dump.js';
import { call, signUp } from './helpers/http.js';
import { startPipeline, unique, type Pipeline } from './helpers/pipeline.js';
import { xKit } from './helpers/platform-kits.js';
import { eventually } from './helpers/workspace.js';

/**
 * After a whole publishing run (sign-ups and sign-ins, an X channel connected through OAuth, posts
 * published, a token renewed, a refusal, metrics) plus two failures that carry a secret as a query
 * parameter (a request whose insert the database refuses, a job whose query fails), neither the log
 * lines Herald wrote nor any row of its database (its own tables and pg-boss's) hold a password, a
 * token, a client secret, a key or those parameters in clear.
 */
const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(chunk.toString('utf8'));
    done();
  },
});

/** Values only this run knows; each must never be written anywhere. */
const PASSWORD = `pw-${randomBytes(9).toString('hex')}`;
const SECRET_IN_POST = `sk_live_${randomBytes(12).toString('hex')}`;
const SECRET_IN_JOB = `tok_${randomBytes(12).toString('hex')}`;
const JOB_MARKER = 'leak-check';

let p: Pipeline<FakeX>;
const secrets = new Map<string, string>();

beforeAll(async () => {
  p = await startPipeline(xKit, {
    logger: createLogger('trace', sink),
    // One job fails the way a repository call fails: a database error whose parameters hold a secret.
    handlers: (own) => ({
      ...own,
      'delete-media-files': async (payload, job) => {
        if (payload.keys[0] !== JOB_MARKER) return own['delete-media-files'](payload, job);
        await p.t.runtime.db.execute(sql`select ${SECRET_IN_JOB}::uuid`);
      },
    }),
  });
});
afterAll(async () => {
  await p?.close();
});

function remember(name: string, value: string | undefined | null): void {
  if (!value) throw new Error(`no ${name} to look for`);
  secrets.set(name, value);
}

describe('secrets after a publishing run', () => {
  it('appear in no log line and no database row', async () => {
    // People: a password set, used, mistyped; access and refresh tokens issued and renewed.
    const user = await signUp(p.t.app, { password: PASSWORD });
    remember('password', PASSWORD);
    remember('fixture password', 'correct horse battery staple');
    remember('access token', user.accessToken);
    remember('refresh token', user.refreshToken);
    expect((await call(p.t.app, 'POST', '/api/v1/auth/login', { body: { email: user.email, password: `${PASSWORD}x` } })).status).toBe(401);
    const login = await call(p.t.app, 'POST', '/api/v1/auth/login', { body: { email: user.email, password: PASSWORD } });
    expect(login.status).toBe(200);
    remember('second access token', login.body.accessToken);

    // A channel: consent, code exchange, tokens sealed at rest.
    const { channels } = await p.connect();
    const channelId = channels[0].id as string;
    const fake = p.kit.fake as unknown as { codes: Map<string, unknown> };
    [...fake.codes.keys()].forEach((code, i) => remember(`oauth code ${i}`, code));
    const first = await p.credentialsOf(channelId);
    remember('x access token', first.accessToken);
    remember('x refresh token', first.refreshToken);
    remember('x client secret', p.kit.env.X_CLIENT_SECRET);
    remember('secret key', p.t.config.secretKeys?.split(':')[1]);

    // Publishing: a post, a renewal after a refused token, a refusal; then metrics.
    const published = await p.post(channelId, { text: unique('Fresh roast') });
    await p.settled(published);
    p.kit.expireAccess(first);
    const renewed = await p.post(channelId, { text: unique('Second batch') });
    await p.settled(renewed);
    const second = await p.credentialsOf(channelId);
    expect(second.accessToken).not.toBe(first.accessToken);
    remember('renewed x access token', second.accessToken);
    remember('renewed x refresh token', second.refreshToken);
    p.kit.rejectNextPublish();
    await p.settled(await p.post(channelId, { text: unique('Refused') }), 'failed');
    await syncMetrics(p.t.runtime);

    // A request whose insert the database refuses, with a secret among the query's parameters.
    await p.t.runtime.db.execute(sql.raw(`
      create function herald_test_refuse_post() returns trigger language plpgsql as $$
      begin
        if new.text like '%sk_live_%' then raise exception 'refused by the test' using errcode = '23514'; end if;
        return new;
      end $$`));
    await p.t.runtime.db.execute(sql.raw('create trigger herald_test_refuse_post before insert on posts for each row execute function herald_test_refuse_post()'));
    const refused = await p.api('POST', `/workspaces/${p.workspaceId}/posts`, { text: `Our key is ${SECRET_IN_POST}`, channelIds: [channelId] });
    expect(refused.status).toBe(500);
    remember('secret in a refused insert', SECRET_IN_POST);

    // A job that fails on a query with a secret among its parameters: pg-boss stores its output.
    await p.t.runtime.queue.send('delete-media-files', { keys: [JOB_MARKER] });
    const output = await eventually(async () => {
      const rows = rowsOf<{ output: unknown }>(await p.t.runtime.db.execute(sql`select output from pgboss.job where name = 'delete-media-files' and output is not null`));
      return rows[0]?.output;
    }, 20_000);
    remember('secret in a failed job', SECRET_IN_JOB);

    const logs = lines.join('');
    // The run was logged, failures included, so finding nothing means something.
    expect(lines.length).toBeGreaterThan(30);
    expect(logs).toContain('"msg":"unhandled error"');
    expect(logs).toContain('"msg":"job failed; it will be retried by policy"');
    expect(logs).toMatch(/oauth\/x\/callback\?[^"]*code=\[redacted\]/);
    const dump = `${await dumpSchema(p.t.runtime.db, 'public')}\n${await dumpSchema(p.t.runtime.db, 'pgboss')}`;
    expect(dump).toContain(channels[0].name);

    const found = [...secrets].flatMap(([name, value]) => [
      ...(logs.includes(value) ? [`${name} in the logs`] : []),
      ...(dump.includes(value) ? [`${name} in the database`] : []),
    ]);
    expect(found).toEqual([]);
    // What the failed job keeps: the query without its values, and the database's code.
    expect(output).toMatchObject({ type: 'DrizzleQueryError', message: 'Failed query: select $1::uuid', cause: { code: '22P02' } });
    expect(secrets.size).toBeGreaterThanOrEqual(14);
  });
});
