import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcess } from '../../media/run-process.ts';
import { panCanvas, textOverlay } from './render-layers.ts';
import type { VideoSpec } from './render-spec.ts';

/** ffmpeg failed; `detail` is the end of what it printed. */
/** How the renderer encodes video: H.264 for every player, fast preset, two threads. */
export const H264_ARGS: readonly string[] = [
  '-c:v',
  'libx264',
  '-preset',
  'veryfast',
  '-crf',
  '23',
  '-pix_fmt',
  'yuv420p',
  '-threads',
  '2',
];

export class RenderError extends Error {
  override name = 'RenderError';
}

/** A soft chord whose pitch follows the prompt, faded in and out. */
function soundtrack(spec: VideoSpec): string {
  const h = createHash('sha256').update(spec.prompt).digest();
  const root = 174.61 + ((h[1] ?? 0) % 6) * 24.5;
  const tones = [1, 1.25, 1.5].map(
    (ratio, i) => `${(0.12 - i * 0.03).toFixed(2)}*sin(2*PI*${(root * ratio).toFixed(2)}*t)`,
  );
  return `aevalsrc=exprs=${tones.join('+')}:s=48000:d=${spec.durationSeconds}`;
}

/** The ffmpeg arguments for a spec whose layer images are in `dir`. */
export function videoArgs(spec: VideoSpec, dir: string, output: string): string[] {
  const { width: W, height: H, fps, durationSeconds: D } = spec;
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-progress', 'pipe:1', '-nostats'];
  let base: string;
  if (spec.video) {
    args.push('-stream_loop', '-1', '-i', spec.video);
    base = `[0:v]scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H},setsar=1,fps=${fps}[base]`;
  } else {
    args.push('-loop', '1', '-framerate', String(fps), '-i', join(dir, 'canvas.png'));
    base = `[0:v]crop=${W}:${H}:x='(iw-ow)*t/${D}':y='(ih-oh)*t/${D}',setsar=1[base]`;
  }
  args.push('-loop', '1', '-framerate', String(fps), '-i', join(dir, 'overlay.png'));
  const filters = [base, `[base][1:v]overlay=0:0:format=auto,format=yuv420p[v]`];
  const madeAudio = spec.audio && !spec.sourceAudio;
  if (madeAudio) {
    // A given voiceover is the soundtrack (padded with silence to the length); otherwise a chord of the prompt.
    if (spec.audioTrack) args.push('-i', spec.audioTrack);
    else args.push('-f', 'lavfi', '-i', soundtrack(spec));
    const source = spec.audioTrack ? `[2:a]aresample=48000,apad,` : '[2:a]';
    filters.push(
      `${source}afade=t=in:d=0.3,afade=t=out:st=${Math.max(0, D - 0.4)}:d=0.4,aformat=channel_layouts=stereo[a]`,
    );
  }
  args.push('-filter_complex', filters.join(';'), '-map', '[v]');
  // `0:a?` maps the source video's sound when it has one; a silent source gives a silent clip.
  if (spec.sourceAudio && spec.video)
    args.push('-map', '0:a?', '-c:a', 'aac', '-b:a', '128k', '-ar', '48000');
  else if (madeAudio) args.push('-map', '[a]', '-c:a', 'aac', '-b:a', '128k', '-ar', '48000');
  else args.push('-an');
  args.push(
    '-t',
    String(D),
    '-r',
    String(fps),
    ...H264_ARGS,
    '-movflags',
    '+faststart',
    '-map_metadata',
    '-1',
    '-fflags',
    '+bitexact',
    '-flags:v',
    '+bitexact',
    '-flags:a',
    '+bitexact',
    '-f',
    'mp4',
    output,
  );
  return args;
}

/**
 * Renders `spec` to `<dir>/output.mp4`: layers drawn with sharp, motion and encoding by ffmpeg. The file
 * appears only when complete (written under another name, then renamed). `onProgress` gets 0..1.
 */
export async function renderVideo(
  spec: VideoSpec,
  dir: string,
  opts: { ffmpegPath: string; signal?: AbortSignal; onProgress?: (fraction: number) => void },
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const [overlay, canvas] = await Promise.all([textOverlay(spec), spec.video ? null : panCanvas(spec)]);
  await writeFile(join(dir, 'overlay.png'), overlay);
  if (canvas) await writeFile(join(dir, 'canvas.png'), canvas.png);
  const partial = join(dir, 'output.mp4.partial');
  const final = join(dir, 'output.mp4');
  const result = await runProcess(opts.ffmpegPath, videoArgs(spec, dir, partial), {
    ...(opts.signal ? { signal: opts.signal } : {}),
    onStdoutLine(line) {
      const m = /^out_time_(?:ms|us)=(\d+)/.exec(line);
      if (m && opts.onProgress) opts.onProgress(Math.min(0.99, Number(m[1]) / 1e6 / spec.durationSeconds));
    },
  });
  if (result.code !== 0) {
    await rm(partial, { force: true });
    const tail = result.stderr.trim().split('\n').slice(-3).join(' | ');
    throw new RenderError(`ffmpeg exited with ${result.code}: ${tail || 'no message'}`);
  }
  await rename(partial, final);
  await Promise.all([
    rm(join(dir, 'overlay.png'), { force: true }),
    rm(join(dir, 'canvas.png'), { force: true }),
  ]);
  return final;
}
