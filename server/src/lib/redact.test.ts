import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { errorMessage, redactSecrets, redactText, serializeError } from './redact.js';

describe('redactText', () => {
  it('hides tokens and OAuth codes in query strings', () => {
    expect(redactText('/reset-password?token=abc123&x=1')).toBe('/reset-password?token=[redacted]&x=1');
    expect(redactText('/api/v1/auth/google/callback?code=4/0Ab&state=xyz')).toBe('/api/v1/auth/google/callback?code=[redacted]&state=[redacted]');
    expect(redactText('GET https://graph.example/me?access_token=EAAB123 failed')).toBe('GET https://graph.example/me?access_token=[redacted] failed');
  });

  it('hides invitation tokens in paths and bearer credentials', () => {
    expect(redactText('/api/v1/invitations/SeCrEt_tok-en/accept')).toBe('/api/v1/invitations/[redacted]/accept');
    expect(redactText('/invite/SeCrEt')).toBe('/invite/[redacted]');
    expect(redactText('/api/v1/media/file/eyJrIjoi.sig')).toBe('/api/v1/media/file/[redacted]');
    expect(redactText('sent Authorization: Bearer abc.def-ghi')).toBe('sent Authorization: Bearer [redacted]');
  });

  it('leaves ordinary text alone', () => {
    expect(redactText('/api/v1/orgs/5f1?limit=10')).toBe('/api/v1/orgs/5f1?limit=10');
  });
});

describe('redactSecrets', () => {
  it('replaces secret keys at any depth and in arrays, whatever their spelling', () => {
    const input = {
      channelId: 'c1',
      account: { credentials: { accessToken: 'AT' } },
      list: [{ deep: { deeper: { refresh_token: 'RT', client_secret: 'CS', codeVerifier: 'CV', newPassword: 'PW', 'x-api-key': 'K' } } }],
      headers: { Authorization: 'Bearer T', cookie: 'herald_refresh=R' },
    };
    expect(redactSecrets(input)).toEqual({
      channelId: 'c1',
      account: { credentials: '[redacted]' },
      list: [{ deep: { deeper: { refresh_token: '[redacted]', client_secret: '[redacted]', codeVerifier: '[redacted]', newPassword: '[redacted]', 'x-api-key': '[redacted]' } } }],
      headers: { Authorization: '[redacted]', cookie: '[redacted]' },
    });
    expect(input.list[0]!.deep.deeper.refresh_token).toBe('RT');
  });

  it('returns an object with nothing to hide as it is, and cuts cycles', () => {
    const plain = { targetId: 't', counts: { refreshed: 1 }, tokenState: 'valid', errorCode: 'x', hadPassword: true, refreshToken: null, maxTokens: 5 };
    expect(redactSecrets(plain)).toBe(plain);
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(redactSecrets(loop)).toEqual({ a: 1, self: '[circular]' });
  });
});

/** What drizzle throws around a PostgreSQL (or PGlite) error: both carry the parameters. */
function queryError(sqlstate: string, message: string, params: unknown[]): DrizzleQueryError {
  const cause = Object.assign(new Error(message), {
    code: sqlstate,
    severity: 'ERROR',
    table: 'users',
    constraint: 'users_email_unique',
    detail: `Key (email)=(${String(params[0])}) already exists.`,
    query: 'insert into users (email, password_hash) values ($1, $2)',
    params,
  });
  return new DrizzleQueryError('insert into users (email, password_hash) values ($1, $2)', params, cause);
}

describe('database errors', () => {
  it('lose their parameters and row values in message, stack, fields and cause; keep code and names', () => {
    const err = queryError('23505', 'duplicate key value violates unique constraint "users_email_unique"', ['owner@example.com', 'hunter2-secret']);
    const out = JSON.stringify(serializeError(err));
    expect(out).not.toContain('hunter2-secret');
    expect(out).not.toContain('owner@example.com');
    const s = serializeError(err);
    expect(s).toMatchObject({ type: 'DrizzleQueryError', message: 'Failed query: insert into users (email, password_hash) values ($1, $2)' });
    expect(s.stack?.split('\n')[0]).toBe('Error: Failed query: insert into users (email, password_hash) values ($1, $2)');
    expect(s.cause).toMatchObject({ code: '23505', table: 'users', constraint: 'users_email_unique', message: 'duplicate key value violates unique constraint "users_email_unique"' });
    expect(errorMessage(err)).toBe('Failed query: insert into users (email, password_hash) values ($1, $2): duplicate key value violates unique constraint "users_email_unique"');
  });

  it('drop the quoted input of a data exception', () => {
    const err = queryError('22P02', 'invalid input syntax for type uuid: "tok_live_123"', ['tok_live_123']);
    expect(JSON.stringify(serializeError(err))).not.toContain('tok_live_123');
    expect(errorMessage(err)).toContain('invalid input syntax for type uuid: "[redacted]"');
  });

  it('are found under any key of a logged object', () => {
    const err = queryError('23505', 'duplicate key', ['sk_live_abc']);
    expect(JSON.stringify(redactSecrets({ context: { failure: err } }))).not.toContain('sk_live_abc');
  });
});
