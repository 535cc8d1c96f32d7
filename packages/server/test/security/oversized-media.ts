import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { randomBase62 } from '../../src/ids.ts';
import { findFfmpeg } from '../../src/media/ffmpeg-binaries.ts';
import { runProcess } from '../../src/media/run-process.ts';

/** PNG colour types: `mono` is one bit a pixel, `gray` one byte, `rgba` four. */
const COLOUR = {
  mono: { type: 0, depth: 1 },
  gray: { type: 0, depth: 8 },
  rgba: { type: 6, depth: 32 },
} as const;

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid PNG of `width` × `height` black pixels that is tiny on disk: every row is compressed once, with a
 * full flush (which empties the compressor's window), so the same bytes can stand for each row. A
 * 16000 × 16000 RGBA one is 1.3 MB and decodes to a gigabyte.
 */
export function blackPng(width: number, height: number, colour: keyof typeof COLOUR = 'rgba'): Buffer {
  const { type, depth } = COLOUR[colour];
  const rowBytes = 1 + Math.ceil((width * depth) / 8);
  const row = deflateRawSync(Buffer.alloc(rowBytes), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const last = deflateRawSync(Buffer.alloc(0));
  // Adler-32 of zeros only: the low sum stays 1 and the high sum counts the bytes.
  const adler = Buffer.alloc(4);
  adler.writeUInt16BE((rowBytes * height) % 65521, 0);
  adler.writeUInt16BE(1, 2);
  const zlibStream = Buffer.concat([
    Buffer.from([0x78, 0xda]),
    ...Array<Buffer>(height).fill(row),
    last,
    adler,
  ]);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = Math.min(depth, 8);
  header[9] = type;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlibStream),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A QuickTime file holding `png` as its one frame (PNG codec), copied in by ffmpeg without re-encoding. */
export async function pngInMov(png: Buffer): Promise<Buffer> {
  const ffmpeg = findFfmpeg(null, process.env.PATH ?? '');
  const name = join(tmpdir(), `reelay-frame-${randomBase62(8)}`);
  await writeFile(`${name}.png`, png);
  try {
    const made = await runProcess(
      ffmpeg,
      [
        '-v',
        'error',
        '-y',
        '-f',
        'image2',
        '-c:v',
        'png',
        '-i',
        `${name}.png`,
        '-c:v',
        'copy',
        `${name}.mov`,
      ],
      {},
    );
    if (made.code !== 0) throw new Error(`ffmpeg failed: ${made.stderr}`);
    return await readFile(`${name}.mov`);
  } finally {
    await rm(`${name}.png`, { force: true });
    await rm(`${name}.mov`, { force: true });
  }
}
