import type { Readable } from 'node:stream';

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Where asset bytes live. Keys are relative paths chosen by the gateway (`acct_…/asset_….mp4`). */
export interface Storage {
  readonly driver: 'local' | 's3';
  /** Stores a finished local file under `key`; the file is consumed (moved or uploaded, then removed). */
  putFile(key: string, sourcePath: string, mediaType: string): Promise<void>;
  /** The bytes of `key` (or of `range` of it); throws {@link StorageKeyMissing} when there are none. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  /**
   * A file on this machine holding the bytes of `key`, for programs that need a path (ffmpeg, the local
   * renderer): the stored file itself on local disk, a cached download on S3.
   */
  localFile(key: string): Promise<string>;
  /** A URL serving the bytes for `ttlSeconds` without the gateway (S3 presigned); null when the driver has none. */
  presignedUrl(key: string, ttlSeconds: number, mediaType: string): Promise<string | null>;
  /** Removes `key` (and any local copy); a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** A folder on this machine for files being received before they are stored. */
  incomingDir(): string;
  /** Every stored key with the time it was last written (ms epoch), for the sweeper to find files no row names. */
  list(): AsyncIterable<StoredKey>;
}

/** A key as {@link Storage.list} gives it. */
export interface StoredKey {
  key: string;
  modifiedMs: number;
}

/** Nothing is stored under this key. */
export class StorageKeyMissing extends Error {
  override name = 'StorageKeyMissing';
  constructor(readonly key: string) {
    super(`nothing is stored under ${key}`);
  }
}

/** Refuses keys that could escape their folder or confuse a driver: relative, no `..`, a plain alphabet. */
export function checkStorageKey(key: string): string {
  const ok =
    /^[A-Za-z0-9_-][A-Za-z0-9_./-]{0,511}$/.test(key) &&
    !key.split('/').some((part) => part === '' || part === '.' || part === '..');
  if (!ok) throw new Error(`not a valid storage key: ${JSON.stringify(key)}`);
  return key;
}
