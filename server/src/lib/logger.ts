import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { REDACTED, hidesSecret, redactSecrets, redactText, serializeError } from './redact.js';

/** Fastify's request serializer: method, redacted URL, remote address; never headers or bodies. */
const requestSerializer = (req: { method: string; url: string; ip?: string }) => ({
  method: req.method,
  url: redactText(req.url),
  remoteAddress: req.ip,
});

const responseSerializer = (reply: { statusCode: number }) => ({ statusCode: reply.statusCode });

/** Keys whose serializer already makes them safe: the walk must not enter a request or a reply. */
const SERIALIZED = new Set(['req', 'res']);

/**
 * Every logged object passes here before it is written: secret keys are redacted at any depth, errors
 * (under any key) lose database parameters and row values (`lib/redact.ts`), strings lose tokens in URLs
 * and bearer credentials. An object with nothing to hide is not copied.
 */
function redactLogObject(obj: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(obj)) {
    if (SERIALIZED.has(key)) continue;
    const value = obj[key];
    const safe = hidesSecret(key, value) ? REDACTED : redactSecrets(value);
    if (safe !== value) (copy ??= { ...obj })[key] = safe;
  }
  return copy ?? obj;
}

/**
 * JSON logs, one logger for the process (the HTTP app logs through it too). Secrets never reach a log
 * line: see `redactLogObject`. `destination` lets tests read every line.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'herald' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { log: redactLogObject },
    serializers: {
      req: requestSerializer,
      res: responseSerializer,
      err: (err: unknown) => (err instanceof Error ? serializeError(err) : err),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
