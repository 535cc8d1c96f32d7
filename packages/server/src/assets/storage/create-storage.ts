import type { StorageConfig } from '../../config.ts';
import type { Storage } from '../storage.ts';
import { LocalStorage } from './local-storage.ts';
import { S3Storage } from './s3-storage.ts';

/** The storage driver the configuration names. */
export function createStorage(config: StorageConfig): Storage {
  return config.driver === 's3' ? new S3Storage(config) : new LocalStorage(config.root);
}
