import { join } from 'node:path';
import type { Config } from '../../config.js';
import { LocalStorage } from './local/local.storage.js';
import { S3Storage } from './s3/s3.storage.js';
import type { Storage } from './storage.js';

export * from './storage.js';

/** S3-compatible storage when `S3_*` is configured, else files under `<dataDir>/media/`. */
export function createStorage(config: Pick<Config, 'media' | 'httpTimeoutMs'>, dataDir: string): Storage {
  const s3 = config.media.s3;
  if (s3) return new S3Storage({ ...s3, timeoutMs: config.httpTimeoutMs }, join(dataDir, 'tmp'));
  return new LocalStorage(join(dataDir, 'media'));
}
