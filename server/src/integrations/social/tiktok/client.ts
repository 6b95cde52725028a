import type { SocialConfig } from '../../../config.js';
import { RejectedError, type ProviderError } from '../errors.js';
import { platformRequest, type HttpAnswer } from '../http.js';
import type { CallOptions } from '../provider.js';
import { apiError, statusError, type TikTokApiError } from './errors.js';

export type TikTokApp = SocialConfig['tiktok'];

export interface ApiCall {
  method: 'GET' | 'POST';
  /** Path under the API base, e.g. `/v2/user/info/`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** True when the call creates something on TikTok (a post): a lost answer is then an unknown outcome. */
  sideEffect?: boolean;
}

export interface ApiResult<T> {
  data: T;
  /** The raw answer, for fields JSON.parse cannot hold (64-bit post ids). */
  answer: HttpAnswer;
}

/**
 * The v2 API envelope: every answer is `{"data":{…},"error":{"code","message","log_id"}}`, code "ok"
 * on success. Calls carry the user token as a Bearer header; nothing here logs (bodies carry tokens).
 */
export class TikTokClient {
  constructor(
    readonly app: TikTokApp,
    /** Herald gave up on the operation this client serves: every request and wait ends with it. */
    readonly signal?: AbortSignal,
  ) {}

  /** This client for one provider call: its requests and polls stop when `opts.signal` aborts. */
  with(opts: CallOptions | undefined): TikTokClient {
    return opts?.signal ? new TikTokClient(this.app, opts.signal) : this;
  }

  url(path: string): string {
    return `${this.app.urls.api.replace(/\/+$/, '')}${path}`;
  }

  async call<T>(accessToken: string, call: ApiCall): Promise<ApiResult<T>> {
    const answer = await platformRequest('TikTok', {
      method: call.method,
      url: this.url(call.path),
      query: call.query,
      headers: { authorization: `Bearer ${accessToken}` },
      json: call.json,
      timeoutMs: this.app.timeoutMs,
      sideEffect: call.sideEffect,
      signal: this.signal,
    });
    const failure = answerError(answer);
    if (failure) throw failure;
    const data = (answer.json as { data?: unknown } | null)?.data;
    return { data: (data ?? {}) as T, answer };
  }

  /** The app's key and secret; their absence is a configuration problem, not a platform one. */
  credentials(): { clientKey: string; clientSecret: string } {
    const { clientId, clientSecret } = this.app;
    if (!clientId || !clientSecret) throw new RejectedError('TikTok is not configured on this Herald (TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET)', 'not_configured');
    return { clientKey: clientId, clientSecret };
  }
}

/** The typed error an answer carries (TikTok's error struct, else its HTTP status), or null. */
export function answerError(answer: HttpAnswer): ProviderError | null {
  const err = errorOf(answer.json);
  if (err && err.code !== 'ok') return apiError(answer.status, err, answer.headers);
  if (answer.status >= 400) return statusError(answer.status, answer.text, answer.headers);
  return null;
}

function errorOf(body: unknown): TikTokApiError | null {
  const error = (body as { error?: unknown } | null)?.error;
  if (!error || typeof error !== 'object') return null;
  const { code, message, log_id: logId } = error as { code?: unknown; message?: unknown; log_id?: unknown };
  if (typeof code !== 'string' || code === '') return null;
  return { code, message: typeof message === 'string' ? message : '', logId: typeof logId === 'string' && logId !== '' ? logId : undefined };
}

/** Reads a string field of an untyped object, or undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
