import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from './run-process.ts';

/**
 * A JPEG of one frame of a video (a second in, or its middle when shorter), at most 640 px wide, made with
 * ffmpeg; null when ffmpeg could not make one.
 */
export function videoThumbnail(
  ffmpegPath: string,
  videoPath: string,
  durationSeconds: number | undefined,
): Promise<Buffer | null> {
  const at = Math.min(1, (durationSeconds ?? 2) / 2);
  return oneJpeg(ffmpegPath, ['-ss', at.toFixed(2), '-i', videoPath], "scale='min(640,iw)':-2");
}

/** Frames in a spritesheet: four columns, three rows. */
export const SPRITE_COLUMNS = 4;
export const SPRITE_ROWS = 3;
/** Width of one frame in a spritesheet. */
export const SPRITE_WIDTH = 160;

/**
 * A JPEG spritesheet of a video: twelve frames spread evenly over its length, each 160 px wide, in four columns
 * and three rows (left to right, top to bottom); null when ffmpeg could not make one.
 */
export function videoSpritesheet(
  ffmpegPath: string,
  videoPath: string,
  durationSeconds: number | undefined,
): Promise<Buffer | null> {
  const frames = SPRITE_COLUMNS * SPRITE_ROWS;
  const rate = frames / Math.max(durationSeconds ?? frames, 0.1);
  return oneJpeg(
    ffmpegPath,
    ['-i', videoPath],
    `fps=${rate.toFixed(4)},scale=${SPRITE_WIDTH}:-2,tile=${SPRITE_COLUMNS}x${SPRITE_ROWS}`,
  );
}

/** Runs ffmpeg on `input` through `filter` into one JPEG frame. */
async function oneJpeg(ffmpegPath: string, input: string[], filter: string): Promise<Buffer | null> {
  const dir = await mkdtemp(join(tmpdir(), 'reelay-still-'));
  try {
    const out = join(dir, 'still.jpg');
    const result = await runProcess(
      ffmpegPath,
      [
        '-nostdin',
        '-v',
        'error',
        ...input,
        '-frames:v',
        '1',
        '-vf',
        filter,
        '-f',
        'image2',
        '-c:v',
        'mjpeg',
        out,
      ],
      { signal: AbortSignal.timeout(30_000) },
    );
    if (result.code !== 0) return null;
    return await readFile(out).catch(() => null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
