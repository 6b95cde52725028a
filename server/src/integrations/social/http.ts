import type { Readable } from 'node:stream';
import { isProviderError, TransientError, UnknownOutcomeError } from './errors.js';

/**
 * The one way providers talk to a platform over HTTP. It sends, waits at most `timeoutMs`, and
 * hands back whatever status came: each provider maps the platform's own error bodies to the typed
 * errors. Only the transport's failures are decided here:
 * - the connection never opened (refused, DNS) → TransientError: the platform certainly did nothing;
 * - the answer was lost after sending (timeout, reset) → UnknownOutcomeError when the call has a side
 *   effect (a publish may have happened: the reconciler asks first), TransientError otherwise.
 * Nothing here logs: URLs and bodies carry tokens.
 */
export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string | URL;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Exactly one body kind. */
  json?: unknown;
  form?: Record<string, string | undefined>;
  multipart?: FormData;
  /** Media bytes streamed from storage as they are sent, with their exact Content-Length. */
  stream?: StreamedBody;
  timeoutMs: number;
  /** True for calls that create or change something on the platform (publishing steps). */
  sideEffect?: boolean;
  /** Herald gave up on the whole operation (deadline, shutdown): the request is aborted too. */
  signal?: AbortSignal | undefined;
}

/** A request body read while it is sent (media-bytes.ts), so it is never held whole in memory. */
export interface StreamedBody {
  /** Exactly this many bytes: the Content-Length. */
  length: number;
  /**
   * Opens the bytes as the request starts. Rejects, or errors the stream, with a ProviderError when
   * they cannot be read; `signal` destroys the stream.
   */
  open(signal: AbortSignal | undefined): Promise<Readable>;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or null when the body is empty or not JSON. */
  json: unknown;
  text: string;
}

const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export async function platformRequest(platformName: string, call: HttpCall): Promise<HttpAnswer> {
  const url = new URL(call.url);
  for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  let body: string | FormData | undefined;
  if (call.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(call.json);
  } else if (call.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(call.form)) if (v !== undefined) form.set(k, v);
    body = form.toString();
  } else if (call.multipart) {
    body = call.multipart;
  }
  // Opened (and failing to open) before anything is sent.
  const upload = call.stream ? await openUpload(call.stream, call.signal) : undefined;
  if (upload) headers['content-length'] = String(upload.length);
  let res: Response;
  let text: string;
  try {
    const timeout = AbortSignal.timeout(call.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    const sent = upload ? { body: upload.stream, duplex: 'half' as const } : { body };
    res = await fetch(url, { method: call.method, headers, ...sent, signal, redirect: 'follow' });
    text = await res.text();
  } catch (err) {
    const code = causeCode(err);
    if (code && NEVER_SENT.has(code)) throw new TransientError(`${platformName} could not be reached (${code})`, code);
    const what = call.signal?.aborted
      ? 'call was abandoned by Herald'
      : err instanceof Error && err.name === 'TimeoutError' ? `did not answer within ${Math.round(call.timeoutMs / 1000)} s` : 'dropped the connection';
    // A body that never fully left Herald cannot have been applied: the platform got no whole request.
    if (upload && !upload.complete) {
      if (isProviderError(upload.error)) throw upload.error;
      throw new TransientError(`${platformName} ${what} before the whole upload was sent`);
    }
    if (call.sideEffect) throw new UnknownOutcomeError(`${platformName} ${what}; the request may have been applied`);
    throw new TransientError(`${platformName} ${what}`);
  } finally {
    // A platform may answer before reading the whole body: close the file or download either way.
    upload?.stream.destroy();
  }
  let json: unknown = null;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { status: res.status, headers: res.headers, json, text };
}

interface OpenUpload {
  stream: Readable;
  length: number;
  /** Every byte was handed to the connection. */
  complete: boolean;
  error?: unknown;
}

async function openUpload(body: StreamedBody, signal: AbortSignal | undefined): Promise<OpenUpload> {
  const upload: OpenUpload = { stream: await body.open(signal), length: body.length, complete: false };
  upload.stream.once('end', () => {
    upload.complete = true;
  });
  upload.stream.once('error', (err) => {
    upload.error = err;
  });
  return upload;
}

function causeCode(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/**
 * When a throttled client may call again, from `Retry-After` (seconds or an HTTP date) or a reset
 * header holding epoch seconds (X's `x-rate-limit-reset`). Falls back to `fallbackMs` from now.
 */
export function retryAtFrom(headers: Headers, fallbackMs: number, now = Date.now()): Date {
  const after = headers.get('retry-after');
  if (after) {
    const seconds = Number(after);
    if (Number.isFinite(seconds) && seconds >= 0) return new Date(now + seconds * 1000);
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return new Date(Math.max(now, date));
  }
  for (const name of ['x-rate-limit-reset', 'x-ratelimit-reset']) {
    const reset = Number(headers.get(name));
    if (Number.isFinite(reset) && reset > 0) return new Date(Math.max(now, reset * 1000));
  }
  return new Date(now + fallbackMs);
}

/** A short, safe excerpt of a platform's body for an error message (never the whole payload). */
export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/**
 * Waits `ms` (a poll interval) unless Herald abandons the call first: then it ends at once with the
 * error `abandoned` gives, because only the caller knows whether anything was already sent (a post
 * handed over is an unknown outcome; a media upload not yet posted is transient).
 */
export async function waitOrAbandon(ms: number, signal: AbortSignal | undefined, abandoned: () => Error): Promise<void> {
  if (signal?.aborted) throw abandoned();
  if (!signal) return new Promise((resolve) => setTimeout(resolve, ms));
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abandoned());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
