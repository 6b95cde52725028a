import { scopedAccess } from '../../http/access.js';
import type { Action } from '../../http/permissions.js';
import { workspaceOrganization } from './repo.js';

/** Access rule for routes under `/workspaces/{workspaceId}/…`. */
export const workspaceScope = (action: Action) =>
  scopedAccess(action, {
    param: 'workspaceId',
    resource: 'Workspace',
    resolve: async (db, id) => {
      const organizationId = await workspaceOrganization(db, id);
      return organizationId ? { organizationId, workspaceId: id } : null;
    },
  });
