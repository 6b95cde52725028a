import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
import { api, call, refreshAccessToken } from '../../api/client';
import { ApiError, describeError } from '../../api/errors';
import { sessionStore, type SessionSnapshot } from '../../api/session-store';

export const authConfigQuery = queryOptions({
  queryKey: ['auth-config'],
  queryFn: () => call(api.GET('/api/v1/auth/config')),
  staleTime: 5 * 60_000,
});

export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: () => call(api.GET('/api/v1/me')),
  staleTime: 60_000,
});

export function useSession(): SessionSnapshot {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}

/** The signed-in user and their memberships (only fetched while signed in). */
export function useMe() {
  const { status } = useSession();
  return useQuery({ ...meQuery, enabled: status === 'signedIn' });
}

/**
 * Restores the session from the refresh cookie (on load, and when "Try again" is pressed after the
 * server was unreachable). Safe to call twice: refreshes are shared.
 */
export async function restoreSession(): Promise<void> {
  sessionStore.restoring();
  try {
    const token = await refreshAccessToken();
    if (token) sessionStore.signedIn(token);
    else sessionStore.signedOut();
  } catch (error) {
    // Rate-limited: we can't tell whether a session exists, so offer the login form (it has its own budget).
    if (error instanceof ApiError && error.status === 429) sessionStore.signedOut();
    else sessionStore.unreachable(describeError(error));
  }
}

/** Starts a session from a login, sign-up or setup answer. */
export function useSignIn() {
  const queryClient = useQueryClient();
  return useCallback(
    (accessToken: string) => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== 'auth-config' });
      sessionStore.signedIn(accessToken);
    },
    [queryClient],
  );
}

/** Ends the session here and on the server (the cache is cleared by main.tsx's session listener). */
export function useLogOut() {
  return useCallback(async () => {
    try {
      await call(api.POST('/api/v1/auth/logout'));
    } catch {
      // The local session ends either way; a failed logout only leaves a cookie the server will expire.
    }
    sessionStore.signedOut();
  }, []);
}
