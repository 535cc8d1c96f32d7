import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { randomBase62 } from '../src/ids.ts';
import { findFfmpeg } from '../src/media/ffmpeg-binaries.ts';
import { runProcess } from '../src/media/run-process.ts';

const ffmpeg = findFfmpeg(null, process.env.PATH ?? '');

type VideoSpec = {
  width: number;
  height: number;
  fps: number;
  seconds: number;
  container?: 'mp4' | 'mov' | 'webm' | 'mkv';
  silent?: boolean;
};

const made = new Map<string, Promise<Buffer>>();

/**
 * A real video made by ffmpeg (once per spec in a test file): H.264 in MP4 or MOV with its index at the
 * front, or VP8 in WebM, with a sine tone unless `silent`.
 */
export function makeVideo(o: VideoSpec): Promise<Buffer> {
  const key = JSON.stringify(o);
  let video = made.get(key);
  if (!video) {
    video = encode(o);
    made.set(key, video);
  }
  return video;
}

async function encode(o: VideoSpec): Promise<Buffer> {
  const container = o.container ?? 'mp4';
  const videoCodec =
    container === 'webm'
      ? ['-c:v', 'libvpx', '-deadline', 'realtime']
      : ['-c:v', 'libx264', '-preset', 'ultrafast'];
  const sound = o.silent ? [] : ['-f', 'lavfi', '-i', 'sine=frequency=440'];
  const audioCodec = o.silent ? ['-an'] : ['-c:a', container === 'webm' ? 'libopus' : 'aac'];
  const size = `size=${o.width}x${o.height}:rate=${o.fps}`;
  const args = ['-f', 'lavfi', '-i', `testsrc=${size}`, ...sound, '-t', String(o.seconds)];
  const front = container === 'mp4' || container === 'mov' ? ['-movflags', '+faststart'] : [];
  args.push(...videoCodec, ...audioCodec, '-pix_fmt', 'yuv420p', ...front);
  return ffmpegOutput(container, args);
}

/** The file ffmpeg writes with `args` (inputs and options; the output path is added), as bytes. */
export async function ffmpegOutput(extension: string, args: readonly string[]): Promise<Buffer> {
  const path = join(tmpdir(), `reelay-fixture-${randomBase62(8)}.${extension}`);
  const result = await runProcess(ffmpeg, ['-v', 'error', '-y', ...args, path], {});
  if (result.code !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
  try {
    return await readFile(path);
  } finally {
    await rm(path, { force: true });
  }
}

/** A real JPEG of the given size. */
export function makeJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 20, g: 90, b: 160 } } })
    .jpeg()
    .toBuffer();
}

/** A real WebP of the given size. */
export function makeWebp(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 90, b: 10 } } })
    .webp()
    .toBuffer();
}

/** A WAV header for `dataBytes` of 16-bit mono PCM at 48 kHz, to be followed by that many bytes. */
export function wavHeader(dataBytes: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(48_000, 24);
  header.writeUInt32LE(96_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
