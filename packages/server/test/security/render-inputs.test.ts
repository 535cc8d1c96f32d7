import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileTypeFromFile } from 'file-type';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../src/media/ffmpeg-binaries.ts';
import { canonicalMediaType, demuxerFor } from '../../src/media/probe.ts';
import type { VideoSpec } from '../../src/providers/local/render-spec.ts';
import { renderVideo } from '../../src/providers/local/render-video.ts';
import {
  DISGUISE_CORPUS,
  type Listeners,
  namesAPath,
  startTargets,
  type Targets,
} from './media-disguise-corpus.ts';

const ffmpegPath = findFfmpeg(null, process.env.PATH ?? '');

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A small video spec: 1 s at 160×96, so a render that does run costs little. */
const spec = (over: Partial<VideoSpec>): VideoSpec => ({
  kind: 'video',
  width: 160,
  height: 96,
  fps: 12,
  durationSeconds: 1,
  audio: false,
  prompt: 'inputs',
  label: 'test',
  images: [],
  video: null,
  ...over,
});

/**
 * The local renderer hands its inputs to ffmpeg itself, so it must not rely on the upload check: a file
 * stored under an accepted type is read with that type's demuxer only, whatever its bytes say to ffmpeg.
 * Each disguised manifest goes in as the source video and as the voiceover, typed as the sniffer types it
 * (or as MP3 when the sniffer takes it for nothing the gateway accepts, as a stored asset could claim).
 */
describe('the local renderer never follows what its input files name', () => {
  let targets: Targets;
  let listeners: Listeners;
  let work: string;
  let seq = 0;

  beforeAll(async () => {
    ({ targets, listeners } = await startTargets());
    work = await mkdtemp(join(tmpdir(), 'reelay-render-inputs-'));
  });
  afterAll(async () => {
    await listeners?.close();
    await rm(work, { recursive: true, force: true });
  });

  it.each(DISGUISE_CORPUS)('reads the $name only as the media its type names', async (file) => {
    const path = join(work, `input-${++seq}`);
    await writeFile(path, file.bytes(targets));
    const sniffed = canonicalMediaType((await fileTypeFromFile(path))?.mime ?? 'unknown');
    const type = demuxerFor(sniffed) !== null ? sniffed : 'audio/mpeg';

    for (const [slot, given] of [
      ['source video', spec({ video: path, videoType: type })],
      ['source video of a spec stored without types', spec({ video: path })],
      ['voiceover', spec({ audio: true, audioTrack: path, audioTrackType: type })],
    ] as const) {
      const dir = join(work, `render-${++seq}`);
      const outcome = await renderVideo(given, dir, { ffmpegPath, stallMs: 20_000 }).then(
        (output) => ({ output, error: null }),
        (error: Error) => ({ output: null, error }),
      );
      if (slot !== 'voiceover') {
        // A manifest has no picture in the container its type names: the render fails, saying so plainly.
        expect(outcome.error?.name, `${slot}: ${outcome.output}`).toBe('RenderError');
        expect(await exists(join(dir, 'output.mp4'))).toBe(false);
      }
      // A voiceover that decodes to nothing may leave a silent track; either way nothing it names was read.
      const message = outcome.error?.message ?? '';
      expect(namesAPath(message, [work, targets.canaryDir, tmpdir()]), `${slot}: ${message}`).toBe(false);
      expect(message).not.toContain(targets.token);
      expect(await listeners.counts(), slot).toEqual({ tcp: 0, http: 0, udp: 0, canaryRead: false });
    }
  });
});
