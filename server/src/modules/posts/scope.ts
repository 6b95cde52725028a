import { scopedAccess } from '../../http/access.js';
import type { Action } from '../../http/permissions.js';
import { postOrganization } from './repo.js';

/** Access rule for routes under `/posts/{postId}/…`. */
export const postScope = (action: Action) =>
  scopedAccess(action, { param: 'postId', resource: 'Post', resolve: (db, id) => postOrganization(db, id) });
