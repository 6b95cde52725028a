/**
 * The signed-in state of this tab. The access token lives in memory only (never in storage), so a
 * reload restores it through the httpOnly refresh cookie (`POST /auth/refresh`).
 */
export type SessionStatus = 'restoring' | 'signedIn' | 'signedOut' | 'unreachable';

export interface SessionSnapshot {
  status: SessionStatus;
  accessToken: string | null;
  /** True when the session ended on its own (refresh refused), not by logging out. */
  expired: boolean;
  /** Why the session could not be restored, when status is 'unreachable'. */
  problem: string | null;
}

let snapshot: SessionSnapshot = { status: 'restoring', accessToken: null, expired: false, problem: null };
const listeners = new Set<() => void>();

function set(next: SessionSnapshot): void {
  snapshot = next;
  for (const listener of listeners) listener();
}

export const sessionStore = {
  get: (): SessionSnapshot => snapshot,
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  signedIn: (accessToken: string): void => set({ status: 'signedIn', accessToken, expired: false, problem: null }),
  signedOut: (expired = false): void => set({ status: 'signedOut', accessToken: null, expired, problem: null }),
  unreachable: (problem: string): void => set({ status: 'unreachable', accessToken: null, expired: false, problem }),
  restoring: (): void => set({ ...snapshot, status: 'restoring' }),
};
