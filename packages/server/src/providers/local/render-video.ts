import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadFileType } from '../../media/media-libraries.ts';
import { canonicalMediaType, demuxerFor, mediaInputArgs, pictureInputArgs } from '../../media/probe.ts';
import { logProcessDetail, runProcess } from '../../media/run-process.ts';
import { panCanvas, textOverlay } from './render-layers.ts';
import type { VideoSpec } from './render-spec.ts';

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

/**
 * A render failed. The message is what the generation's error says, so it never names a path nor quotes
 * ffmpeg; what ffmpeg printed goes to the server's log.
 */
export class RenderError extends Error {
  override name = 'RenderError';
}

/** How long a render may go without its output growing before it is stopped. */
export const RENDER_STALL_MS = 60_000;
/** How long any one render may take. */
export const RENDER_MAX_MS = 30 * 60_000;

export interface RenderBounds {
  /** Stop the render when ffmpeg's output time has not grown for this long. */
  stallMs?: number;
  /** Stop the render when it has run this long. */
  maxMs?: number;
}

const inWords = (ms: number) =>
  ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 100) / 10} s`;

/**
 * Runs one ffmpeg render whose arguments write `-progress` to stdout, bounded by time and by progress: it
 * is killed when its output time (`out_time`) has not grown for `stallMs` (an input that never yields a
 * frame, looped by `-stream_loop`, would otherwise hold a render slot forever) or when it has run `maxMs`.
 * `onOutTime` gets the output time in seconds as it grows.
 */
export async function runRender(
  ffmpegPath: string,
  args: readonly string[],
  opts: RenderBounds & { signal?: AbortSignal; what: string; onOutTime?: (seconds: number) => void },
): Promise<void> {
  const stallMs = opts.stallMs ?? RENDER_STALL_MS;
  const maxMs = opts.maxMs ?? RENDER_MAX_MS;
  const watchdog = new AbortController();
  let stopped: string | null = null;
  const stop = (why: string) => {
    stopped ??= why;
    watchdog.abort();
  };
  const stall = setTimeout(
    () => stop(`made no progress for ${inWords(stallMs)} (an input may not decode) and was stopped`),
    stallMs,
  );
  const limit = setTimeout(() => stop(`ran longer than ${inWords(maxMs)} and was stopped`), maxMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, watchdog.signal]) : watchdog.signal;
  let outTime = -1;
  try {
    const result = await runProcess(ffmpegPath, args, {
      signal,
      killSignal: 'SIGKILL',
      onStdoutLine(line) {
        const m = /^out_time_(?:ms|us)=(\d+)/.exec(line);
        if (!m) return;
        const us = Number(m[1]);
        if (us <= outTime) return;
        outTime = us;
        stall.refresh();
        opts.onOutTime?.(us / 1e6);
      },
    });
    if (stopped !== null) throw new RenderError(`The ${opts.what} render ${stopped}.`);
    if (result.code !== 0) {
      logProcessDetail(`ffmpeg failed rendering the ${opts.what}`, result.stderr);
      throw new RenderError(
        `ffmpeg exited with ${result.code ?? 'a signal'} while rendering the ${opts.what}; an input may be damaged.`,
      );
    }
  } catch (error) {
    if (stopped !== null && !opts.signal?.aborted) {
      throw error instanceof RenderError ? error : new RenderError(`The ${opts.what} render ${stopped}.`);
    }
    throw error;
  } finally {
    clearTimeout(stall);
    clearTimeout(limit);
  }
}

/**
 * The spec with the media type of each input file it reads with ffmpeg: the stored one, or for specs stored
 * before types were kept, the file's bytes sniffed again. A file of no accepted type is a render error.
 */
export async function withInputTypes(spec: VideoSpec): Promise<VideoSpec> {
  const typeOf = async (path: string | null | undefined, stored: string | null | undefined, what: string) => {
    if (!path) return null;
    let type = stored;
    if (!type) {
      const { fileTypeFromFile } = await loadFileType();
      const sniffed = await fileTypeFromFile(path).catch(() => {
        // The error names the path: the generation's error says only what could not be read.
        throw new RenderError(`The ${what} could not be read.`);
      });
      type = canonicalMediaType(sniffed?.mime ?? 'unknown');
    }
    if (demuxerFor(type) === null)
      throw new RenderError(`The ${what} is not in a container the renderer reads.`);
    return type;
  };
  return {
    ...spec,
    videoType: await typeOf(spec.video, spec.videoType, 'source video'),
    audioTrackType: await typeOf(spec.audioTrack, spec.audioTrackType, 'voiceover'),
  };
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

/**
 * The ffmpeg arguments for a spec whose layer images are in `dir`. Every input is opened with its demuxer
 * forced and only the `file` protocol allowed (`mediaInputArgs`), so the source video or voiceover, whatever
 * it holds, is never read as a playlist or manifest; `spec.videoType`/`audioTrackType` name their types
 * (see {@link withInputTypes}).
 */
export function videoArgs(spec: VideoSpec, dir: string, output: string): string[] {
  const { width: W, height: H, fps, durationSeconds: D } = spec;
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-progress', 'pipe:1', '-nostats'];
  let base: string;
  if (spec.video) {
    args.push('-stream_loop', '-1', ...mediaInputArgs(spec.video, spec.videoType ?? 'unknown'));
    base = `[0:v]scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H},setsar=1,fps=${fps}[base]`;
  } else {
    args.push('-loop', '1', '-framerate', String(fps), ...pictureInputArgs(join(dir, 'canvas.png')));
    base = `[0:v]crop=${W}:${H}:x='(iw-ow)*t/${D}':y='(ih-oh)*t/${D}',setsar=1[base]`;
  }
  args.push('-loop', '1', '-framerate', String(fps), ...pictureInputArgs(join(dir, 'overlay.png')));
  const filters = [base, `[base][1:v]overlay=0:0:format=auto,format=yuv420p[v]`];
  const madeAudio = spec.audio && !spec.sourceAudio;
  if (madeAudio) {
    // A given voiceover is the soundtrack (padded with silence to the length); otherwise a chord of the prompt.
    if (spec.audioTrack) args.push(...mediaInputArgs(spec.audioTrack, spec.audioTrackType ?? 'unknown'));
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
 * appears only when complete (written under another name, then renamed). `onProgress` gets 0..1. A render
 * that stops making progress, or runs too long, is stopped (see {@link runRender}).
 */
export async function renderVideo(
  given: VideoSpec,
  dir: string,
  opts: RenderBounds & {
    ffmpegPath: string;
    signal?: AbortSignal;
    onProgress?: (fraction: number) => void;
  },
): Promise<string> {
  const spec = await withInputTypes(given);
  await mkdir(dir, { recursive: true });
  const [overlay, canvas] = await Promise.all([textOverlay(spec), spec.video ? null : panCanvas(spec)]);
  await writeFile(join(dir, 'overlay.png'), overlay);
  if (canvas) await writeFile(join(dir, 'canvas.png'), canvas.png);
  const partial = join(dir, 'output.mp4.partial');
  const final = join(dir, 'output.mp4');
  try {
    await runRender(opts.ffmpegPath, videoArgs(spec, dir, partial), {
      what: 'video',
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.stallMs !== undefined ? { stallMs: opts.stallMs } : {}),
      ...(opts.maxMs !== undefined ? { maxMs: opts.maxMs } : {}),
      onOutTime: (seconds) => opts.onProgress?.(Math.min(0.99, seconds / spec.durationSeconds)),
    });
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, final);
  await Promise.all([
    rm(join(dir, 'overlay.png'), { force: true }),
    rm(join(dir, 'canvas.png'), { force: true }),
  ]);
  return final;
}
