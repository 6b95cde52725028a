import { scopedAccess } from '../../http/access.js';
import type { Action } from '../../http/permissions.js';
import { channelOwner } from './repo.js';

/**
 * Access rule for routes under `/channels/{channelId}/…`: resolves the channel (connected or not) to
 * its organization and workspace. Another organization's channel answers 404, like a missing one.
 */
export const channelScope = (action: Action) =>
  scopedAccess(action, {
    param: 'channelId',
    resource: 'Channel',
    resolve: (db, id) => channelOwner(db, id),
  });
