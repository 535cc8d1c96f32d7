import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../../media/run-process.ts';

/**
 * A JPEG of one frame of a video (a second in, or its middle when shorter), at most 640 px wide, made with
 * ffmpeg; null when ffmpeg could not make one.
 */
export async function videoThumbnail(
  ffmpegPath: string,
  videoPath: string,
  durationSeconds: number | undefined,
): Promise<Buffer | null> {
  const dir = await mkdtemp(join(tmpdir(), 'reelay-thumb-'));
  try {
    const at = Math.min(1, (durationSeconds ?? 2) / 2);
    const out = join(dir, 'thumbnail.jpg');
    const result = await runProcess(
      ffmpegPath,
      [
        '-nostdin',
        '-v',
        'error',
        '-ss',
        at.toFixed(2),
        '-i',
        videoPath,
        '-frames:v',
        '1',
        '-vf',
        "scale='min(640,iw)':-2",
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
