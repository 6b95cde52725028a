import pino, { type Logger } from 'pino';

/**
 * JSON logs. Secrets never reach a log line: auth headers, cookies, passwords and tokens are redacted
 * wherever they appear in a logged object.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.code_verifier',
  '*.id_token',
];

/** Query parameters and path segments that carry secrets (reset tokens, OAuth codes, invitation tokens). */
const SECRET_QUERY = /([?&](?:token|code|state|id_token|access_token|refresh_token)=)[^&#]*/gi;
const SECRET_PATH = /(\/(?:invite|invitations|media\/file)\/)[^/?#]+/gi;

/** A URL as it may be logged: secret parameters and token path segments replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]').replace(SECRET_PATH, '$1[redacted]');
}

/** Fastify's request serializer: method, redacted URL, remote address; never headers or bodies. */
export const requestSerializer = (req: { method: string; url: string; ip?: string; id?: string }) => ({
  method: req.method,
  url: redactUrl(req.url),
  remoteAddress: req.ip,
});

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'herald' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export type { Logger };
