import type { Readable } from 'node:stream';

/** Where asset bytes live. Keys are opaque relative paths chosen by the gateway. */
export interface Storage {
  /** Moves a finished local file under `key` (the file is consumed). */
  putFile(key: string, sourcePath: string): Promise<void>;
  /** Streams the bytes of `key`; `range` is inclusive, as in HTTP. */
  read(key: string, range?: { start: number; end: number }): Readable;
  /** A local path to the bytes when the driver keeps them on this machine, else null. */
  localPath(key: string): string | null;
  delete(key: string): Promise<void>;
}
