import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiError } from '../errors.ts';
import { randomBase62 } from '../ids.ts';

/** A file received into a temporary folder, hashed on the way. */
export interface ReceivedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Streams `source` to a new file under `dir` with constant memory, computing sha256 and refusing
 * more than `maxBytes` (413). The partial file is removed on any failure.
 */
export async function receiveFile(source: Readable, dir: string, maxBytes: number): Promise<ReceivedFile> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `in_${randomBase62(16)}`);
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        done(
          new ApiError('payload_too_large', 413, `The file is larger than the limit of ${maxBytes} bytes.`),
        );
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(path));
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { path, bytes, sha256: hash.digest('hex') };
}
