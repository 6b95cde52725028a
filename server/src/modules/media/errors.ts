import { StorageError, StorageNotFoundError } from '../../integrations/storage/storage.js';
import { AppError, notFound } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';

/**
 * A storage failure as the API answers it: a missing object is a 404; anything else (credentials
 * refused, store unreachable) is our side's problem, logged for the operator and answered 503.
 * Storage errors never carry credentials, so logging them is safe.
 */
export function storageFailure(logger: Logger, err: unknown, during: string): unknown {
  if (err instanceof AppError) return err;
  if (err instanceof StorageNotFoundError) return notFound('Media file');
  if (err instanceof StorageError) {
    logger.error({ err, during }, 'media storage failed');
    return new AppError(503, 'storage_unavailable', 'Media storage is not available right now; try again shortly');
  }
  return err;
}
