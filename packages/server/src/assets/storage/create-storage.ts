import type { StorageConfig } from '../../config.ts';
import type { Storage } from '../storage.ts';
import { LocalStorage } from './local-storage.ts';

/**
 * The storage driver the configuration names. The S3 driver (and the AWS SDK under it) is loaded only when it is
 * configured, so local storage does not pay for it at start.
 */
export async function createStorage(config: StorageConfig): Promise<Storage> {
  if (config.driver !== 's3') return new LocalStorage(config.root);
  const { S3Storage } = await import('./s3-storage.ts');
  return new S3Storage(config);
}
