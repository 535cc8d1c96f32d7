import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { FileAccess } from './assets.ts';

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.flac': 'audio/flac',
};

/** Files on disk, streamed both ways: a read stream for uploads (reopened per retry), a write stream for downloads. */
export const nodeFiles: FileAccess = {
  async open(path) {
    const info = await stat(path);
    if (!info.isFile()) throw new TypeError(`${path} is not a file`);
    return {
      make: () => Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
      size: info.size,
      contentType: TYPES[extname(path).toLowerCase()] ?? null,
      repeatable: true,
    };
  },
  async write(stream, path) {
    await stream.pipeTo(Writable.toWeb(createWriteStream(path)));
  },
};
