import { scopedAccess } from '../../http/access.js';
import type { Action } from '../../http/permissions.js';
import { mediaOwner } from './repo.js';

/** Access rule for routes under `/media/{mediaId}`: the organization (and workspace) owning the item. */
export const mediaScope = (action: Action) =>
  scopedAccess(action, {
    param: 'mediaId',
    resource: 'Media',
    resolve: (db, id) => mediaOwner(db, id),
  });
