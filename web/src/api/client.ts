import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, networkError } from './errors';
import type { paths } from './schema';
import { sessionStore } from './session-store';

/** The typed API client. Paths are the server's own (`/api/v1/...`), served from this origin. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'include' });

let refreshing: Promise<string | null> | null = null;

async function requestRefresh(): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch('/api/v1/auth/refresh', { method: 'POST', credentials: 'include', headers: { accept: 'application/json' } });
  } catch {
    throw networkError();
  }
  // Too many attempts or a server fault say nothing about the session: report them, don't sign out.
  if (response.status === 429 || response.status >= 500) throw ApiError.fromResponse(response, await response.json().catch(() => null));
  if (!response.ok) return null;
  const body = (await response.json().catch(() => ({}))) as { accessToken?: unknown };
  return typeof body.accessToken === 'string' ? body.accessToken : null;
}

/**
 * Trades the refresh cookie for a new access token. The server rotates the refresh token and treats a
 * second use of an old one as theft (ending the session), so refreshes never overlap: callers in this
 * tab share one request, and tabs take turns through a Web Lock, each sending the newest cookie.
 * Resolves null when the server refuses (signed out); rejects with an ApiError when it cannot answer.
 */
export function refreshAccessToken(): Promise<string | null> {
  refreshing ??= refreshInTurn().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

async function refreshInTurn(): Promise<string | null> {
  if (typeof navigator !== 'undefined' && 'locks' in navigator) return await navigator.locks.request('herald-refresh', requestRefresh);
  return requestRefresh();
}

/** Auth endpoints answer 401 for their own reasons (wrong password, dead cookie): never refresh-and-retry them. */
const isAuthPath = (schemaPath: string) => schemaPath.startsWith('/api/v1/auth/') || schemaPath === '/api/v1/setup';

/** A copy of each outgoing request, kept until its answer arrives, so a 401 can be replayed once. */
const inFlight = new Map<string, { replay: Request; token: string }>();

const auth: Middleware = {
  onRequest({ request, id, schemaPath }) {
    const token = sessionStore.get().accessToken;
    if (!token) return request;
    request.headers.set('Authorization', `Bearer ${token}`);
    if (!isAuthPath(schemaPath)) inFlight.set(id, { replay: request.clone(), token });
    return request;
  },
  async onResponse({ response, id }) {
    const sent = inFlight.get(id);
    inFlight.delete(id);
    if (response.status !== 401 || !sent) return response;
    // Another request may already have refreshed while this one was on the wire.
    const current = sessionStore.get().accessToken;
    let fresh: string | null;
    if (current && current !== sent.token) {
      fresh = current;
    } else {
      try {
        fresh = await refreshAccessToken();
      } catch (error) {
        // Surface why (e.g. 429 with its Retry-After) instead of a misleading "session ended".
        if (!(error instanceof ApiError) || error.status === 0) return response;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (error.retryAfter !== null) headers['retry-after'] = String(error.retryAfter);
        return new Response(JSON.stringify({ error: { code: error.code, message: error.message } }), { status: error.status, headers });
      }
      if (fresh) sessionStore.signedIn(fresh);
    }
    if (!fresh) {
      sessionStore.signedOut(true);
      return response;
    }
    sent.replay.headers.set('Authorization', `Bearer ${fresh}`);
    return fetch(sent.replay);
  },
  onError({ id }) {
    inFlight.delete(id);
  },
};

api.use(auth);

/** What every openapi-fetch call resolves to, reduced to the parts `call` reads. */
interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an API call and returns its data, or throws an ApiError (with field errors and Retry-After). */
export async function call<T>(request: Promise<Outcome<T>>): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = await request;
  } catch {
    throw networkError();
  }
  if (!outcome.response.ok) throw ApiError.fromResponse(outcome.response, outcome.error);
  return outcome.data as T;
}
