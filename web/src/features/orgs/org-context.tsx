import { createContext, useContext } from 'react';
import type { OrgDetail, Permission } from '../../api/types';

export interface OrgContextValue {
  org: OrgDetail;
  /** Whether the signed-in member may perform an action, e.g. 'members.invite'. */
  can: (action: Permission) => boolean;
}

export const OrgContext = createContext<OrgContextValue | null>(null);

/** The organization of the current page (inside /orgs/:orgId). */
export function useCurrentOrg(): OrgContextValue {
  const value = useContext(OrgContext);
  if (!value) throw new Error('useCurrentOrg must be used inside an organization route');
  return value;
}
