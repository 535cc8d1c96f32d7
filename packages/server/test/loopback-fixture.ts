import { join } from 'node:path';
import { findFfmpeg } from '../src/media/ffmpeg-binaries.ts';
import { runProcess } from '../src/media/run-process.ts';

/** A real 3-second 64×64 H.264 MP4 made with ffmpeg, to stand for an upstream's output. */
export async function makeTestVideo(dir: string): Promise<string> {
  const path = join(dir, 'upstream-output.mp4');
  const ffmpeg = findFfmpeg(null, process.env.PATH ?? '');
  const result = await runProcess(ffmpeg, [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'color=c=navy:s=64x64:d=3:r=10',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-y',
    path,
  ]);
  if (result.code !== 0) throw new Error(`ffmpeg failed: ${result.stderr}`);
  return path;
}
