import type { PlatformApp } from '../../../config.js';
import { TransientError, UnknownOutcomeError } from '../errors.js';
import { platformRequest, type HttpCall } from '../http.js';
import type { z } from 'zod';
import type { CallOptions } from '../provider.js';
import { xApiError } from './x.errors.js';

export type XApp = PlatformApp<{ authorize: string; api: string }>;

export interface XCall {
  method: HttpCall['method'];
  /** Path under the API base, e.g. `/2/tweets`. */
  path: string;
  query?: HttpCall['query'];
  json?: unknown;
  multipart?: FormData;
  /** Creates the post itself: a lost answer is then an unknown outcome. */
  sideEffect?: boolean;
  timeoutMs?: number;
}

/**
 * Bearer-authenticated calls to the X API v2. Answers other than 2xx become typed errors
 * (x.errors.ts); a 2xx body is checked against the schema the step expects.
 */
export class XClient {
  constructor(
    readonly app: XApp,
    /** Herald gave up on the operation this client serves: every request and wait ends with it. */
    readonly signal?: AbortSignal,
  ) {}

  /** This client for one provider call: its requests and polls stop when `opts.signal` aborts. */
  with(opts: CallOptions | undefined): XClient {
    return opts?.signal ? new XClient(this.app, opts.signal) : this;
  }

  url(path: string): string {
    return `${this.app.urls.api.replace(/\/+$/, '')}${path}`;
  }

  async call<S extends z.ZodType>(accessToken: string, call: XCall, schema: S): Promise<z.output<S>> {
    const answer = await platformRequest('X', {
      method: call.method,
      url: this.url(call.path),
      ...(call.query ? { query: call.query } : {}),
      ...(call.json !== undefined ? { json: call.json } : {}),
      ...(call.multipart ? { multipart: call.multipart } : {}),
      headers: { authorization: `Bearer ${accessToken}` },
      timeoutMs: call.timeoutMs ?? this.app.timeoutMs,
      sideEffect: call.sideEffect === true,
      signal: this.signal,
    });
    if (answer.status < 200 || answer.status > 299) throw xApiError(answer);
    const parsed = schema.safeParse(answer.json);
    if (parsed.success) return parsed.data;
    // A 2xx we cannot read: when it answered the create call, the post probably exists.
    const what = `X answered ${call.method} ${call.path.replace(/\/\d+(?=\/|$)/g, '/{id}')} with an unexpected body`;
    throw call.sideEffect ? new UnknownOutcomeError(`${what}; the post may have been created`) : new TransientError(what);
  }
}
