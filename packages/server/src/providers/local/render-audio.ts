import { createHash } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type AudioSpec, outputOf } from './render-spec.ts';
import { type RenderBounds, runRender } from './render-video.ts';

const CODECS: Record<AudioSpec['format'], string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3'],
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
  ogg: ['-c:a', 'libopus', '-b:a', '96k', '-f', 'ogg'],
};

/** A short melody whose notes follow the prompt, so each prompt sounds its own, the same every time. */
function melody(spec: AudioSpec): string {
  const h = createHash('sha256').update(spec.prompt).digest();
  const notes = Array.from({ length: 8 }, (_, i) => 220 * 2 ** (((h[i] ?? 0) % 12) / 12));
  const step = Math.max(0.25, spec.durationSeconds / notes.length);
  const pitch = notes.reduceRight(
    (rest, freq, i) =>
      i === notes.length - 1
        ? freq.toFixed(2)
        : `if(lt(mod(t\\,${(step * notes.length).toFixed(3)})\\,${((i + 1) * step).toFixed(3)})\\,${freq.toFixed(2)}\\,${rest})`,
    '',
  );
  return `aevalsrc=exprs=0.2*sin(2*PI*(${pitch})*t):s=44100:d=${spec.durationSeconds}`;
}

/**
 * Renders an audio spec to `<dir>/output.<ext>` with ffmpeg: exactly `durationSeconds` long. Its only input
 * is the melody drawn by lavfi; the render is bounded like a video's (see `runRender`).
 */
export async function renderAudio(
  spec: AudioSpec,
  dir: string,
  opts: RenderBounds & { ffmpegPath: string; signal?: AbortSignal },
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const final = join(dir, `output.${outputOf(spec).ext}`);
  const partial = `${final}.partial`;
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error', '-progress', 'pipe:1', '-nostats'];
  args.push('-f', 'lavfi', '-i', melody(spec));
  args.push('-af', `afade=t=in:d=0.05,afade=t=out:st=${Math.max(0, spec.durationSeconds - 0.2)}:d=0.2`);
  args.push(
    '-t',
    String(spec.durationSeconds),
    '-map_metadata',
    '-1',
    '-fflags',
    '+bitexact',
    '-flags:a',
    '+bitexact',
  );
  args.push(...CODECS[spec.format], partial);
  try {
    await runRender(opts.ffmpegPath, args, {
      what: 'audio',
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.stallMs !== undefined ? { stallMs: opts.stallMs } : {}),
      ...(opts.maxMs !== undefined ? { maxMs: opts.maxMs } : {}),
    });
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, final);
  return final;
}
