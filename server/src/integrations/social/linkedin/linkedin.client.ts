import type { SocialConfig } from '../../../config.js';
import { type HttpAnswer, type HttpCall, platformRequest, type StreamedBody } from '../http.js';
import type { CallOptions } from '../provider.js';
import { mapRestError } from './linkedin.errors.js';

export type LinkedInApp = SocialConfig['linkedin'];

export const PLATFORM_NAME = 'LinkedIn';

/** A query value inserted verbatim: Rest.li 2.0 syntax such as `List(a,b)` or `(share:urn%3A…)`. */
export class RestliRaw {
  constructor(readonly value: string) {}
}

/** `List(…)` of URL-encoded members, the Rest.li 2.0 form of a list in a query string. */
export function restliList(values: string[]): RestliRaw {
  return new RestliRaw(`List(${values.map((v) => encodeURIComponent(v)).join(',')})`);
}

/**
 * Builds a query string the way Rest.li 2.0 wants it: plain values percent-encoded (URNs become
 * `urn%3Ali%3A…`), structural values (`List(…)`, `(key:value)`) left as they are. URLSearchParams
 * cannot be used for these: it would encode the parentheses and commas, which LinkedIn then reads
 * as literal characters.
 */
export function restliQuery(params: Record<string, string | number | RestliRaw | undefined>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const encoded = value instanceof RestliRaw ? value.value : encodeURIComponent(String(value));
    parts.push(`${encodeURIComponent(key)}=${encoded}`);
  }
  return parts.join('&');
}

export interface RestCall {
  method: HttpCall['method'];
  /** Path under the API host, e.g. `/rest/posts`. */
  path: string;
  /** A query string built with `restliQuery` (no leading `?`). */
  query?: string;
  json?: unknown;
  headers?: Record<string, string>;
  sideEffect?: boolean;
  /** Statuses handed back to the caller instead of being mapped to an error. */
  allow?: number[];
}

/**
 * The LinkedIn HTTP surface: versioned `/rest` calls with their three required headers, the
 * unversioned `/v2/userinfo`, the OAuth token endpoint and upload URLs. Every non-2xx answer is
 * mapped to a typed error (linkedin.errors.ts) unless the caller allowed it. Tokens go only into
 * the Authorization header, never into URLs or error messages.
 */
export class LinkedInClient {
  constructor(
    readonly app: LinkedInApp,
    /** Herald gave up on the operation this client serves: every request and wait ends with it. */
    readonly signal?: AbortSignal,
  ) {}

  /** This client for one provider call: its requests and polls stop when `opts.signal` aborts. */
  with(opts: CallOptions | undefined): LinkedInClient {
    return opts?.signal ? new LinkedInClient(this.app, opts.signal) : this;
  }

  get version(): string {
    return this.app.urls.version;
  }

  private apiUrl(path: string, query?: string): string {
    const base = this.app.urls.api.replace(/\/+$/, '');
    return `${base}${path}${query ? `?${query}` : ''}`;
  }

  oauthUrl(path: 'authorization' | 'accessToken'): string {
    return `${this.app.urls.oauth.replace(/\/+$/, '')}/${path}`;
  }

  async rest(accessToken: string, call: RestCall): Promise<HttpAnswer> {
    const answer = await platformRequest(PLATFORM_NAME, {
      method: call.method,
      // The full query is already in the URL: passing `query` to platformRequest would re-encode it.
      url: this.apiUrl(call.path, call.query),
      headers: {
        authorization: `Bearer ${accessToken}`,
        'linkedin-version': this.version,
        'x-restli-protocol-version': '2.0.0',
        ...call.headers,
      },
      ...(call.json !== undefined ? { json: call.json } : {}),
      timeoutMs: this.app.timeoutMs,
      sideEffect: call.sideEffect ?? false,
      signal: this.signal,
    });
    if ((answer.status >= 200 && answer.status < 300) || call.allow?.includes(answer.status)) return answer;
    throw mapRestError(answer, { version: this.version });
  }

  /** OpenID Connect userinfo (unversioned `/v2`): the member behind the token. */
  async userinfo(accessToken: string): Promise<HttpAnswer> {
    const answer = await platformRequest(PLATFORM_NAME, {
      method: 'GET',
      url: this.apiUrl('/v2/userinfo'),
      headers: { authorization: `Bearer ${accessToken}` },
      timeoutMs: this.app.timeoutMs,
      signal: this.signal,
    });
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw mapRestError(answer, { version: this.version });
  }

  /** PUTs bytes, streamed from storage, to an upload URL LinkedIn handed out (images, video parts). */
  async upload(accessToken: string, uploadUrl: string, body: StreamedBody): Promise<HttpAnswer> {
    const answer = await platformRequest(PLATFORM_NAME, {
      method: 'PUT',
      url: uploadUrl,
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/octet-stream' },
      stream: body,
      timeoutMs: Math.max(this.app.timeoutMs, 60_000),
      signal: this.signal,
    });
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw mapRestError(answer, { version: this.version });
  }

  /** The form-encoded OAuth token endpoint; the caller maps OAuth error bodies. */
  async token(form: Record<string, string>): Promise<HttpAnswer> {
    return platformRequest(PLATFORM_NAME, {
      method: 'POST',
      url: this.oauthUrl('accessToken'),
      form,
      timeoutMs: this.app.timeoutMs,
    });
  }
}
