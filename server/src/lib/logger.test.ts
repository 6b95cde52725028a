import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger.js';

describe('redactUrl', () => {
  it('hides tokens and OAuth codes in query strings', () => {
    expect(redactUrl('/reset-password?token=abc123&x=1')).toBe('/reset-password?token=[redacted]&x=1');
    expect(redactUrl('/api/v1/auth/google/callback?code=4/0Ab&state=xyz')).toBe('/api/v1/auth/google/callback?code=[redacted]&state=[redacted]');
  });

  it('hides invitation tokens in paths', () => {
    expect(redactUrl('/api/v1/invitations/SeCrEt_tok-en/accept')).toBe('/api/v1/invitations/[redacted]/accept');
    expect(redactUrl('/invite/SeCrEt')).toBe('/invite/[redacted]');
    expect(redactUrl('/api/v1/media/file/eyJrIjoi.sig')).toBe('/api/v1/media/file/[redacted]');
  });

  it('leaves ordinary URLs alone', () => {
    expect(redactUrl('/api/v1/orgs/5f1?limit=10')).toBe('/api/v1/orgs/5f1?limit=10');
  });
});
