import type { PlatformApp } from '../../../config.js';
import { platformRequest, type HttpAnswer } from '../http.js';
import { UnknownOutcomeError } from '../errors.js';
import type { CallOptions } from '../provider.js';
import { graphError } from './graph-errors.js';

export type MetaApp = PlatformApp<{ dialog: string; graph: string; version: string }>;

/** A JSON object as the Graph API answers it; fields are read through the helpers below. */
export type GraphObject = Record<string, unknown>;

export interface GraphCallOptions {
  /** True for calls that create something visible (a post): a lost answer is an unknown outcome. */
  sideEffect?: boolean;
}

/**
 * The Graph API as both Meta providers use it (graph.facebook.com, Facebook Login tokens).
 * Tokens travel in the `Authorization: Bearer` header, never in URLs (URLs end up in proxy logs).
 * Every non-2xx answer becomes a typed error through graph-errors.ts.
 */
export class GraphClient {
  constructor(
    private readonly app: MetaApp,
    /** The name used in error messages ("Facebook", "Instagram"). */
    readonly platformName: string,
    /** Herald gave up on the operation this client serves: every request and wait ends with it. */
    readonly signal?: AbortSignal,
  ) {}

  /** This client for one provider call: its requests and polls stop when `opts.signal` aborts. */
  with(opts: CallOptions | undefined): GraphClient {
    return opts?.signal ? new GraphClient(this.app, this.platformName, opts.signal) : this;
  }

  url(path: string): string {
    const base = this.app.urls.graph.replace(/\/+$/, '');
    return `${base}/${this.app.urls.version}/${path.replace(/^\/+/, '')}`;
  }

  async get(path: string, token: string, query: Record<string, string | number | undefined> = {}): Promise<GraphObject> {
    return this.ok(await platformRequest(this.platformName, { method: 'GET', url: this.url(path), query, headers: bearer(token), timeoutMs: this.app.timeoutMs, signal: this.signal }));
  }

  /** POST with form parameters (the Graph API's native encoding; arrays go as JSON strings). */
  async post(path: string, token: string, form: Record<string, string | undefined>, opts: GraphCallOptions = {}): Promise<GraphObject> {
    return this.ok(
      await platformRequest(this.platformName, {
        method: 'POST',
        url: this.url(path),
        form,
        headers: bearer(token),
        timeoutMs: this.app.timeoutMs,
        sideEffect: opts.sideEffect === true,
        signal: this.signal,
      }),
    );
  }

  async delete(path: string, token: string): Promise<GraphObject> {
    return this.ok(await platformRequest(this.platformName, { method: 'DELETE', url: this.url(path), headers: bearer(token), timeoutMs: this.app.timeoutMs, sideEffect: true, signal: this.signal }));
  }

  /** An unauthenticated GET (the OAuth token endpoint authenticates with the app secret in the query). */
  async getPublic(path: string, query: Record<string, string | undefined>): Promise<GraphObject> {
    return this.ok(await platformRequest(this.platformName, { method: 'GET', url: this.url(path), query, timeoutMs: this.app.timeoutMs }));
  }

  /**
   * Reads every page of an edge (`data` + `paging.cursors.after`), at most `maxPages` pages.
   * Cursors are used instead of `paging.next` URLs so the token is only ever sent to our own base URL.
   * `complete` is false when more pages existed than were read.
   */
  async list(path: string, token: string, query: Record<string, string | number | undefined>, maxPages: number): Promise<{ items: GraphObject[]; complete: boolean }> {
    const items: GraphObject[] = [];
    let after: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const body = await this.get(path, token, { ...query, after });
      for (const item of arr(body.data)) if (isObject(item)) items.push(item);
      const paging = isObject(body.paging) ? body.paging : undefined;
      const cursors = paging && isObject(paging.cursors) ? paging.cursors : undefined;
      after = cursors ? str(cursors.after) : undefined;
      // The Graph API leaves out `next` on the last page even when cursors are present.
      if (!after || !paging || paging.next === undefined) return { items, complete: true };
    }
    return { items, complete: false };
  }

  private ok(answer: HttpAnswer): GraphObject {
    if (answer.status >= 200 && answer.status < 300) {
      if (isObject(answer.json)) return answer.json;
      // A 2xx without a JSON object (`true` from some old endpoints) still means success.
      return { success: answer.json === true || answer.text.trim() === 'true' };
    }
    throw graphError(this.platformName, answer);
  }
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export function isObject(v: unknown): v is GraphObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * The `id` of a create call's answer. A 2xx without one breaks the contract; the call may still have
 * been applied, so it is an unknown outcome (the reconciler looks before anything is retried).
 */
export function requireId(body: GraphObject, what: string): string {
  const id = str(body.id);
  if (!id) throw new UnknownOutcomeError(`${what}: the Graph API answered without an id`);
  return id;
}
