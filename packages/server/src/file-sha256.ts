import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The hex sha256 of a file, read as a stream (a video output may be large). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
