import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EnumField, type Json, type ModelEntry, models, prepare } from '@reelay/catalog';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalRenders } from '../../../test/local-renders-db.ts';
import { findFfmpeg, findFfprobe } from '../../media/ffmpeg-binaries.ts';
import { probeMedia } from '../../media/probe.ts';
import { runProcess } from '../../media/run-process.ts';
import type { ResolvedMedia, StartCall } from '../provider.ts';
import { LocalProvider } from './local-provider.ts';
import { renderSpecFor } from './render-spec.ts';

const ffmpegPath = findFfmpeg(null, process.env.PATH ?? '');
const ffprobePath = findFfprobe(null, process.env.PATH ?? '');

/** Frame size of each aspect ratio at each resolution any video model offers (short side = resolution). */
const VIDEO_SIZES: Record<string, [number, number]> = {
  '16:9@480p': [854, 480],
  '16:9@720p': [1280, 720],
  '16:9@1080p': [1920, 1080],
  '16:9@4k': [3840, 2160],
  '9:16@480p': [480, 854],
  '9:16@720p': [720, 1280],
  '9:16@1080p': [1080, 1920],
  '9:16@4k': [2160, 3840],
  '1:1@480p': [480, 480],
  '1:1@720p': [720, 720],
  '1:1@1080p': [1080, 1080],
  '1:1@4k': [2160, 2160],
  '21:9@480p': [1120, 480],
  '21:9@720p': [1680, 720],
  '21:9@1080p': [2520, 1080],
  '9:21@720p': [720, 1680],
  '9:21@1080p': [1080, 2520],
  '4:3@480p': [640, 480],
  '4:3@720p': [960, 720],
  '4:3@1080p': [1440, 1080],
  '3:4@480p': [480, 640],
  '3:4@720p': [720, 960],
  '3:4@1080p': [1080, 1440],
  '4:5@720p': [720, 900],
  '4:5@1080p': [1080, 1350],
  '5:4@720p': [900, 720],
  '5:4@1080p': [1350, 1080],
};

/** Image size of each aspect ratio at each imageSize any image model offers (long side = 1024 × K). */
const IMAGE_SIZES: Record<string, [number, number]> = {
  '1:1@1K': [1024, 1024],
  '1:1@2K': [2048, 2048],
  '1:1@3K': [3072, 3072],
  '1:1@4K': [4096, 4096],
  '16:9@1K': [1024, 576],
  '16:9@2K': [2048, 1152],
  '16:9@3K': [3072, 1728],
  '16:9@4K': [4096, 2304],
  '9:16@1K': [576, 1024],
  '9:16@2K': [1152, 2048],
  '9:16@3K': [1728, 3072],
  '9:16@4K': [2304, 4096],
  '21:9@1K': [1024, 438],
  '21:9@2K': [2048, 878],
  '21:9@3K': [3072, 1316],
  '21:9@4K': [4096, 1756],
  '2:3@1K': [682, 1024],
  '2:3@2K': [1366, 2048],
  '2:3@3K': [2048, 3072],
  '2:3@4K': [2730, 4096],
  '3:2@1K': [1024, 682],
  '3:2@2K': [2048, 1366],
  '3:2@3K': [3072, 2048],
  '3:2@4K': [4096, 2730],
  '4:3@1K': [1024, 768],
  '4:3@2K': [2048, 1536],
  '4:3@3K': [3072, 2304],
  '4:3@4K': [4096, 3072],
  '3:4@1K': [768, 1024],
  '3:4@2K': [1536, 2048],
  '3:4@3K': [2304, 3072],
  '3:4@4K': [3072, 4096],
  '4:5@1K': [820, 1024],
  '4:5@2K': [1638, 2048],
  '4:5@4K': [3276, 4096],
  '5:4@1K': [1024, 820],
  '5:4@2K': [2048, 1638],
  '5:4@4K': [4096, 3276],
};

const choices = (m: ModelEntry, name: string): readonly string[] | undefined =>
  (m.fields.find((f) => f.name === name && f.kind === 'enum') as EnumField | undefined)?.values;

/** Every aspect × size a model offers, as normalised inputs (its example with the two fields changed). */
function sizeInputs(m: ModelEntry): { key: string; input: Record<string, Json> }[] {
  const sizeField = m.type === 'video' ? 'resolution' : 'imageSize';
  const sizes = choices(m, sizeField);
  return (choices(m, 'aspectRatio') ?? []).flatMap((aspect) =>
    (sizes ?? [m.type === 'video' ? '720p' : '1K']).map((size) => {
      const changed: Record<string, Json> = { ...m.exampleInput, aspectRatio: aspect };
      if (sizes) changed[sizeField] = size;
      // Kling 2.6 makes audio only at 1080p; sizes do not depend on audio.
      if ('audioEnabled' in changed) changed.audioEnabled = false;
      const r = prepare(m, changed);
      if (!r.ok) throw new Error(`${m.id}: ${JSON.stringify(r.errors)}`);
      return { key: `${aspect}@${size}`, input: r.value.input as Record<string, Json> };
    }),
  );
}

/**
 * The sizes worth rendering for real: every aspect ratio at its smallest size, and every size once (the rest are
 * the same code path, checked above through the spec; rendering all of them would take minutes of CPU).
 */
function sample(keys: Iterable<string>, order: readonly string[]): string[] {
  const byAspect = new Map<string, string>();
  const bySize = new Map<string, string>();
  for (const key of [...keys].sort(
    (a, b) => order.indexOf(a.split('@')[1] ?? '') - order.indexOf(b.split('@')[1] ?? ''),
  )) {
    const [aspect, size] = key.split('@') as [string, string];
    if (!byAspect.has(aspect)) byAspect.set(aspect, key);
    if (!bySize.has(size)) bySize.set(size, key);
  }
  return [...new Set([...byAspect.values(), ...bySize.values()])];
}

let work: string;
let seq = 0;
const book = useLocalRenders();

async function render(
  call: Omit<StartCall, 'generationId' | 'idempotencyKey' | 'signal' | 'mode' | 'variant'>,
) {
  const p = new LocalProvider({ workDir: work, ffmpegPath, renders: book.renders() });
  const { operation } = await p.start({
    ...call,
    generationId: `gen_c${++seq}`,
    mode: 'm',
    variant: 'v',
    idempotencyKey: 'k',
    signal: new AbortController().signal,
  });
  for (;;) {
    const s = await p.status({ operation, signal: new AbortController().signal });
    if (s.state === 'failed') throw new Error(JSON.stringify(s));
    if (s.state === 'succeeded')
      return { path: fileURLToPath(s.outputs[0]?.url ?? ''), mediaType: s.outputs[0]?.mediaType };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const media = (
  field: string,
  kind: ResolvedMedia['kind'],
  path: string,
  index: number | null = null,
): ResolvedMedia => ({
  field,
  index,
  kind,
  assetId: `asset_${field}`,
  mediaType: kind === 'image' ? 'image/png' : kind === 'video' ? 'video/mp4' : 'audio/wav',
  path,
  bytes: 0,
  url: null,
});

describe('every catalog model on the local renderer', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'reelay-render-catalog-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it.each(models.map((m) => [m.id, m] as const))(
    '%s: every aspect × size maps to its exact frame',
    (_id, m) => {
      const table = m.type === 'video' ? VIDEO_SIZES : IMAGE_SIZES;
      const combos = sizeInputs(m);
      expect(combos.length).toBeGreaterThan(0);
      for (const { key, input } of combos) {
        const spec = renderSpecFor({ model: m.id, type: m.type, input, media: [] });
        expect(spec.kind).toBe(m.type);
        if (spec.kind === 'audio') continue;
        expect([spec.width, spec.height], `${m.id} ${key}`).toEqual(table[key]);
      }
    },
  );

  it('renders every video aspect ratio and resolution the catalog offers, at exactly its size', async () => {
    const keys = new Set(
      models.filter((m) => m.type === 'video').flatMap((m) => sizeInputs(m).map((c) => c.key)),
    );
    expect([...keys].sort()).toEqual(Object.keys(VIDEO_SIZES).sort());
    const rendered = sample(keys, ['480p', '720p', '1080p', '4k']);
    expect(rendered).toHaveLength(12);
    for (const key of rendered) {
      const [aspectRatio, resolution] = key.split('@') as [string, string];
      const { path } = await render({
        model: 'kling-3.0',
        type: 'video',
        input: { prompt: key, aspectRatio, resolution, duration: 1, audioEnabled: false },
        media: [],
      });
      const probe = await probeMedia(path, { ffprobePath });
      expect([probe.video?.width, probe.video?.height], key).toEqual(VIDEO_SIZES[key]);
      expect(Math.abs(probe.durationSeconds - 1)).toBeLessThanOrEqual(0.05);
    }
  }, 240_000);

  it('renders every image aspect ratio and size the catalog offers, at exactly its size', async () => {
    const keys = new Set(
      models.filter((m) => m.type === 'image').flatMap((m) => sizeInputs(m).map((c) => c.key)),
    );
    expect([...keys].sort()).toEqual(Object.keys(IMAGE_SIZES).sort());
    const rendered = sample(keys, ['1K', '2K', '3K', '4K']);
    expect(rendered).toHaveLength(13);
    for (const key of rendered) {
      const [aspectRatio, imageSize] = key.split('@') as [string, string];
      const r = await render({
        model: 'seedream-4.5',
        type: 'image',
        input: { prompt: key, aspectRatio, imageSize },
        media: [],
      });
      expect(r.mediaType).toBe('image/png');
      const meta = await sharp(r.path).metadata();
      expect([meta.width, meta.height, meta.format], key).toEqual([...(IMAGE_SIZES[key] ?? []), 'png']);
    }
  }, 240_000);
});

describe('slot mapping on the local renderer', () => {
  let red: string;
  let green: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'reelay-render-slots-'));
    red = join(work, 'red.png');
    green = join(work, 'green.png');
    await sharp({ create: { width: 400, height: 700, channels: 3, background: '#ff0000' } })
      .png()
      .toFile(red);
    await sharp({ create: { width: 400, height: 700, channels: 3, background: '#00ff00' } })
      .png()
      .toFile(green);
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  /** Mean [r, g, b] of the frame at `second`, from a real decode. */
  async function frame(path: string, second: number) {
    const png = join(work, `frame-${++seq}.png`);
    await runProcess(ffmpegPath, [
      '-loglevel',
      'error',
      '-y',
      '-ss',
      String(second),
      '-i',
      path,
      '-frames:v',
      '1',
      png,
    ]);
    return (await sharp(png).stats()).channels.map((c) => Math.round(c.mean));
  }

  it('opens on the start frame and ends on the end frame, whatever order the slots arrive in', async () => {
    const { path } = await render({
      model: 'kling-3.0',
      type: 'video',
      input: { prompt: 'frames', aspectRatio: '9:16', resolution: '720p', duration: 3, audioEnabled: false },
      media: [media('endImage', 'image', green), media('startImage', 'image', red)],
    });
    const [r0, g0] = (await frame(path, 0.05)) as [number, number];
    const [r1, g1] = (await frame(path, 2.9)) as [number, number];
    expect(r0).toBeGreaterThan(g0 + 40);
    expect(g1).toBeGreaterThan(r1 + 40);
  });

  it('uses a voiceover as the soundtrack, padded with silence to the length', async () => {
    const voice = join(work, 'voice.wav');
    const made = await runProcess(ffmpegPath, [
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=1',
      voice,
    ]);
    expect(made.code).toBe(0);
    const input = {
      prompt: 'talk',
      aspectRatio: '16:9',
      resolution: '480p',
      duration: 4,
      audioEnabled: true,
    };
    const withVoice = await render({
      model: 'seedance-2.0-relaxed',
      type: 'video',
      input,
      media: [media('referenceAssetUris', 'image', red, 0), media('speechAudio', 'audio', voice)],
    });
    const chord = await render({ model: 'seedance-2.0-relaxed', type: 'video', input, media: [] });
    const tailVolume = async (path: string) => {
      const r = await runProcess(ffmpegPath, [
        '-hide_banner',
        '-ss',
        '2',
        '-i',
        path,
        '-vn',
        '-af',
        'volumedetect',
        '-f',
        'null',
        '-',
      ]);
      return Number(/max_volume: (-?[\d.]+|-inf) dB/.exec(r.stderr)?.[1] ?? Number.NaN);
    };
    const probe = await probeMedia(withVoice.path, { ffprobePath });
    expect(probe.audio).toBeDefined();
    expect(Math.abs(probe.durationSeconds - 4)).toBeLessThanOrEqual(0.1);
    // After the one-second voice there is silence; the prompt's chord would still sound.
    expect(await tailVolume(withVoice.path)).toBeLessThan(-60);
    expect(await tailVolume(chord.path)).toBeGreaterThan(-40);
  });

  it('gives HappyHorse sound always, and motion transfer only the motion video’s own sound', async () => {
    const clip = async (name: string, withSound: boolean) => {
      const path = join(work, name);
      const args = [
        '-loglevel',
        'error',
        '-y',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=320x240:rate=24:duration=2',
      ];
      if (withSound) args.push('-f', 'lavfi', '-i', 'sine=frequency=330:duration=2', '-c:a', 'aac');
      const made = await runProcess(ffmpegPath, [...args, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path]);
      expect(made.code).toBe(0);
      return path;
    };
    const loud = await clip('loud.mp4', true);
    const quiet = await clip('quiet.mp4', false);
    const hasAudio = async (r: { path: string }) =>
      (await probeMedia(r.path, { ffprobePath })).audio !== undefined;
    const horse = { prompt: 'p', aspectRatio: '1:1', resolution: '720p', duration: 3 };
    expect(
      await hasAudio(await render({ model: 'happyhorse-1.1', type: 'video', input: horse, media: [] })),
    ).toBe(true);
    const motion = (audioEnabled: boolean, video: string) =>
      render({
        model: 'kling-3.0-motion',
        type: 'video',
        input: { prompt: 'dance', aspectRatio: '1:1', duration: 3, audioEnabled },
        media: [media('referencePhoto', 'image', red), media('motionVideo', 'video', video)],
      });
    const kept = await motion(true, loud);
    expect(await hasAudio(kept)).toBe(true);
    expect(Math.abs((await probeMedia(kept.path, { ffprobePath })).durationSeconds - 3)).toBeLessThanOrEqual(
      0.1,
    );
    expect(await hasAudio(await motion(true, quiet))).toBe(false);
    expect(await hasAudio(await motion(false, loud))).toBe(false);
  });

  it('shows the source and reference images of an edit but not its mask', async () => {
    const input = { prompt: 'edit', aspectRatio: '1:1', quality: 'low', imageSize: '1K' };
    const plain = await render({
      model: 'gpt-image-2',
      type: 'image',
      input,
      media: [media('sourceImage', 'image', red)],
    });
    const masked = await render({
      model: 'gpt-image-2',
      type: 'image',
      input,
      media: [media('maskImage', 'image', green), media('sourceImage', 'image', red)],
    });
    const both = await render({
      model: 'gpt-image-2',
      type: 'image',
      input,
      media: [media('sourceImage', 'image', red), media('referenceAssetUris', 'image', green, 0)],
    });
    expect((await readFile(masked.path)).equals(await readFile(plain.path))).toBe(true);
    const [r, g] = (await sharp(both.path).stats()).channels.map((c) => c.mean) as [number, number];
    const [pr, pg] = (await sharp(plain.path).stats()).channels.map((c) => c.mean) as [number, number];
    expect(g - pg).toBeGreaterThan(20);
    expect(pr - r).toBeGreaterThan(20);
  });
});
