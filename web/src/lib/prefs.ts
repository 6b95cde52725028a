/**
 * Small per-browser preferences (which organization and workspace you were last in). Never secrets:
 * the access token lives in memory only.
 */
const LAST_ORG = 'herald.lastOrg';
const lastWorkspaceKey = (orgId: string) => `herald.lastWorkspace.${orgId}`;

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Storage can be unavailable (private mode, quota); preferences are a convenience only.
  }
}

export const prefs = {
  lastOrgId: () => read(LAST_ORG),
  setLastOrgId: (orgId: string | null) => write(LAST_ORG, orgId),
  lastWorkspaceId: (orgId: string) => read(lastWorkspaceKey(orgId)),
  setLastWorkspaceId: (orgId: string, workspaceId: string | null) => write(lastWorkspaceKey(orgId), workspaceId),
  forgetOrg(orgId: string) {
    write(lastWorkspaceKey(orgId), null);
    if (read(LAST_ORG) === orgId) write(LAST_ORG, null);
  },
};
