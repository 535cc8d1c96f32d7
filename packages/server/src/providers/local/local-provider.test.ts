import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Json } from '@reelay/catalog';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalRenders } from '../../../test/local-renders-db.ts';
import { findFfmpeg, findFfprobe } from '../../media/ffmpeg-binaries.ts';
import { probeMedia } from '../../media/probe.ts';
import { runProcess } from '../../media/run-process.ts';
import type { ProviderStatus, ResolvedMedia, StartCall } from '../provider.ts';
import { LocalProvider } from './local-provider.ts';
import { frameSize } from './render-spec.ts';

const ffmpegPath = findFfmpeg(null, process.env.PATH ?? '');
const ffprobePath = findFfprobe(null, process.env.PATH ?? '');
let dir: string;
let seq = 0;
const book = useLocalRenders();

function call(input: Record<string, Json>, media: ResolvedMedia[] = []): StartCall {
  return {
    generationId: `gen_t${++seq}`,
    model: 'kling-3.0-omni',
    type: 'video',
    mode: 'text_to_video',
    variant: 'v',
    input: {
      prompt: 'a quiet harbour at dawn',
      aspectRatio: '9:16',
      resolution: '720p',
      duration: 3,
      audioEnabled: false,
      ...input,
    },
    media,
    idempotencyKey: 'k',
    signal: new AbortController().signal,
  };
}

async function finish(p: LocalProvider, operation: Json): Promise<ProviderStatus> {
  for (;;) {
    const s = await p.status({ operation, signal: new AbortController().signal });
    if (s.state !== 'pending') return s;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function render(input: Record<string, Json>, media: ResolvedMedia[] = []) {
  const p = new LocalProvider({ workDir: join(dir, 'work'), ffmpegPath, renders: book.renders() });
  const { operation } = await p.start(call(input, media));
  const s = await finish(p, operation);
  if (s.state !== 'succeeded') throw new Error(JSON.stringify(s));
  const path = fileURLToPath(s.outputs[0]?.url ?? '');
  return { path, probe: await probeMedia(path, { ffprobePath }) };
}

/** Mean brightness of the frame at `second`, from a real decode. */
async function frameStats(path: string, second: number) {
  const png = join(dir, `frame-${++seq}.png`);
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
  const stats = await sharp(png).stats();
  return stats.channels.map((c) => c.mean);
}

const image = (path: string, index: number): ResolvedMedia => ({
  field: 'referenceAssetUris',
  index,
  kind: 'image',
  assetId: `asset_${index}`,
  mediaType: 'image/png',
  path,
  bytes: 0,
  url: null,
});

describe('local renderer', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-render-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['9:16', '720p', 720, 1280],
    ['16:9', '720p', 1280, 720],
    ['1:1', '720p', 720, 720],
    ['9:16', '1080p', 1080, 1920],
    ['16:9', '1080p', 1920, 1080],
    ['1:1', '1080p', 1080, 1080],
    ['16:9', '4k', 3840, 2160],
  ])('sizes %s at %s as %i×%i', (aspect, resolution, width, height) => {
    expect(frameSize(aspect, resolution)).toEqual({ width, height });
  });

  it('renders 9:16 720p 3 s with an AAC track when audio is on', async () => {
    const { probe } = await render({ audioEnabled: true });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 720, height: 1280, pixelFormat: 'yuv420p' });
    expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 48000 });
    expect(Math.abs(probe.durationSeconds - 3)).toBeLessThanOrEqual(0.05);
  });

  it('has no audio stream at all when audio is off', async () => {
    const { probe } = await render({ audioEnabled: false, aspectRatio: '1:1' });
    expect(probe.audio).toBeUndefined();
    expect(probe.video).toMatchObject({ width: 720, height: 720 });
  });

  it('is deterministic: the same input gives the same bytes', async () => {
    const a = await render({ prompt: 'same every time', audioEnabled: true });
    const b = await render({ prompt: 'same every time', audioEnabled: true });
    const hash = async (p: string) =>
      createHash('sha256')
        .update(await readFile(p))
        .digest('hex');
    expect(await hash(a.path)).toBe(await hash(b.path));
    const c = await render({ prompt: 'something else', audioEnabled: true });
    expect(await hash(c.path)).not.toBe(await hash(a.path));
  });

  it('shows the reference images, moving', async () => {
    const red = join(dir, 'red.png');
    const green = join(dir, 'green.png');
    await sharp({ create: { width: 1200, height: 500, channels: 3, background: '#ff0000' } })
      .png()
      .toFile(red);
    await sharp({ create: { width: 300, height: 900, channels: 3, background: '#00ff00' } })
      .png()
      .toFile(green);
    const plain = await render({ prompt: 'colour check' });
    const withImages = await render({ prompt: 'colour check' }, [image(red, 0), image(green, 1)]);
    const [pr, pg] = await frameStats(plain.path, 0.1);
    const [r0, g0] = await frameStats(withImages.path, 0.1);
    const [r1, g1] = await frameStats(withImages.path, 2.9);
    expect((r0 ?? 0) - (pr ?? 0)).toBeGreaterThan(15);
    expect((g1 ?? 0) - (pg ?? 0)).toBeGreaterThan(15);
    expect(r0).toBeGreaterThan(r1 ?? 0);
    expect(g1).toBeGreaterThan(g0 ?? 0);
  });

  it('uses a reference video as the source, at the target size and duration', async () => {
    const source = join(dir, 'source.mp4');
    const made = await runProcess(ffmpegPath, [
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'color=c=blue:s=640x360:d=2:r=25',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      source,
    ]);
    expect(made.code).toBe(0);
    const video: ResolvedMedia = {
      field: 'referenceVideo',
      index: null,
      kind: 'video',
      assetId: 'asset_v',
      mediaType: 'video/mp4',
      path: source,
      bytes: 0,
      url: null,
    };
    const { path, probe } = await render({ duration: 4 }, [video]);
    expect(probe.video).toMatchObject({ width: 720, height: 1280 });
    expect(Math.abs(probe.durationSeconds - 4)).toBeLessThanOrEqual(0.05);
    const [r, g, b] = await frameStats(path, 3.5);
    expect(b).toBeGreaterThan((r ?? 0) + 60);
    expect(b).toBeGreaterThan((g ?? 0) + 60);
  });

  it('draws any prompt text safely', async () => {
    const { probe } = await render({
      prompt: `quotes " ' colons : semis ; back\\slash 100% {braces} [x]\nновая строка — 日本語 <b>&amp;`,
    });
    expect(probe.video?.width).toBe(720);
  });

  it('renders once across processes: another process waits for a live run and takes over one whose process is gone', async () => {
    const work = join(dir, 'shared');
    const first = new LocalProvider({ workDir: work, ffmpegPath, renders: book.renders() });
    const second = new LocalProvider({ workDir: work, ffmpegPath, renders: book.renders() });
    const { operation } = await first.start(call({ prompt: 'resume me' }));
    const signal = new AbortController().signal;
    expect(await first.status({ operation, signal })).toEqual({ state: 'pending', progress: 0 });
    const renderId = (operation as { renderId: string }).renderId;
    // The first process renders it: the second one only waits.
    expect((await second.status({ operation, signal })).state).toBe('pending');
    expect((await book.renders().latest(renderId))?.run).toBe(1);
    // The first process stops (its leases end with it): the second one runs it again, once, in a new folder.
    await first.close();
    expect((await second.status({ operation, signal })).state).toBe('pending');
    const s = await finish(second, operation);
    expect(s.state).toBe('succeeded');
    const runs = await book
      .db()
      .query<{ run: number; state: string }>(
        'SELECT run, state FROM local_renders WHERE render_id = $1 ORDER BY run',
        [renderId],
      );
    expect(runs).toEqual([
      { run: 1, state: 'lost' },
      { run: 2, state: 'done' },
    ]);
    expect(await readdir(work)).toEqual([`${renderId}-2`]);
    await second.close();
  });

  it('renders again when a finished output left its folder unrecorded (a worker died storing it)', async () => {
    const work = join(dir, 'taken');
    const owner = new LocalProvider({ workDir: work, ffmpegPath, renders: book.renders() });
    const other = new LocalProvider({ workDir: work, ffmpegPath, renders: book.renders() });
    const { operation } = await owner.start(call({ prompt: 'stored, then lost' }));
    const first = await finish(owner, operation);
    if (first.state !== 'succeeded') throw new Error(JSON.stringify(first));
    await rename(fileURLToPath(first.outputs[0]?.url ?? ''), join(dir, 'taken-output.mp4'));
    expect((await other.status({ operation, signal: new AbortController().signal })).state).toBe('pending');
    const renderId = (operation as { renderId: string }).renderId;
    expect(await book.renders().latest(renderId)).toMatchObject({ run: 2, state: 'rendering' });
    expect((await finish(other, operation)).state).toBe('succeeded');
    await owner.close();
    await other.close();
  });

  it('starts a render only with a free slot, and leaves it to a process that has one', async () => {
    const work = join(dir, 'slots');
    const busy = new LocalProvider({ workDir: work, ffmpegPath, renders: book.renders(), maxConcurrent: 1 });
    const signal = new AbortController().signal;
    const a = await busy.start(call({ prompt: 'takes the slot' }));
    const b = await busy.start(call({ prompt: 'waits for a slot' }));
    await busy.status({ operation: a.operation, signal });
    // Waiting for a slot, it is asked again only rarely: the run that frees a slot wakes it.
    expect(await busy.status({ operation: b.operation, signal })).toEqual({
      state: 'pending',
      progress: 0,
      askAgainMs: 3000,
    });
    const renderId = (b.operation as { renderId: string }).renderId;
    expect(await book.renders().latest(renderId)).toBeNull();
    const free = new LocalProvider({ workDir: work, ffmpegPath, renders: book.renders() });
    expect((await finish(free, b.operation)).state).toBe('succeeded');
    expect((await book.renders().latest(renderId))?.owner).not.toBe(
      (await book.renders().latest((a.operation as { renderId: string }).renderId))?.owner,
    );
    expect((await finish(busy, a.operation)).state).toBe('succeeded');
    await busy.close();
    await free.close();
  });

  it('announces the slot of a run stopped by a cancel, so the work waiting for it is woken at once', async () => {
    const renders = book.renders();
    let freed = 0;
    const counting = Object.assign(Object.create(renders) as typeof renders, {
      slotFreed: async () => {
        freed++;
        await renders.slotFreed();
      },
    });
    const p = new LocalProvider({
      workDir: join(dir, 'stopped'),
      ffmpegPath,
      renders: counting,
      maxConcurrent: 1,
    });
    const signal = new AbortController().signal;
    const a = await p.start(call({ prompt: 'canceled while it renders', duration: 10 }));
    const b = await p.start(call({ prompt: 'waits for the slot' }));
    await p.status({ operation: a.operation, signal });
    expect(await p.status({ operation: b.operation, signal })).toMatchObject({ askAgainMs: 3000 });
    await p.cancel({ operation: a.operation, signal });
    expect(freed).toBe(1);
    // The slot is free: the waiting render starts on its next look.
    expect(await p.status({ operation: b.operation, signal })).toEqual({ state: 'pending', progress: 0 });
    expect((await finish(p, b.operation)).state).toBe('succeeded');
    await p.close();
  });

  it('reports a broken ffmpeg as render_failed', async () => {
    const p = new LocalProvider({
      workDir: join(dir, 'broken'),
      ffmpegPath: join(dir, 'no-such-ffmpeg'),
      renders: book.renders(),
    });
    const { operation } = await p.start(call({}));
    const s = await finish(p, operation);
    expect(s).toMatchObject({ state: 'failed', error: { code: 'render_failed', retryable: false } });
  });

  it('refuses an operation that is not its own', async () => {
    const p = new LocalProvider({ workDir: join(dir, 'work'), ffmpegPath, renders: book.renders() });
    await expect(
      p.status({ operation: { renderId: '../../etc', spec: {} }, signal: new AbortController().signal }),
    ).rejects.toThrow();
  });
});

describe('local renderer, images and audio', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'reelay-render-ia-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function run(type: 'image' | 'audio', input: Record<string, Json>, media: ResolvedMedia[] = []) {
    const p = new LocalProvider({ workDir: work, ffmpegPath, renders: book.renders() });
    const { operation } = await p.start({
      ...call(input, media),
      type,
      input: { prompt: 'studio portrait of a red corgi', ...input },
    });
    const s = await finish(p, operation);
    if (s.state !== 'succeeded') throw new Error(JSON.stringify(s));
    return { path: fileURLToPath(s.outputs[0]?.url ?? ''), mediaType: s.outputs[0]?.mediaType };
  }

  it.each([
    ['1:1', '1K', 'png', 1024, 1024, 'image/png'],
    ['16:9', '2K', 'jpeg', 2048, 1152, 'image/jpeg'],
    ['9:16', '1K', 'webp', 576, 1024, 'image/webp'],
  ])(
    'renders a %s %s %s image at %i×%i',
    async (aspectRatio, size, outputFormat, width, height, mediaType) => {
      const r = await run('image', { aspectRatio, imageSize: size, outputFormat });
      expect(r.mediaType).toBe(mediaType);
      const meta = await sharp(r.path).metadata();
      expect({ width: meta.width, height: meta.height, format: meta.format }).toEqual({
        width,
        height,
        format: outputFormat === 'jpeg' ? 'jpeg' : outputFormat,
      });
    },
  );

  it('shows the reference images in an image', async () => {
    const red = join(work, 'red.png');
    await sharp({ create: { width: 400, height: 400, channels: 3, background: '#ff0000' } })
      .png()
      .toFile(red);
    const plain = await run('image', { aspectRatio: '1:1', prompt: 'same' });
    const withRef = await run('image', { aspectRatio: '1:1', prompt: 'same' }, [image(red, 0)]);
    const mean = async (p: string) => (await sharp(p).stats()).channels[0]?.mean ?? 0;
    expect((await mean(withRef.path)) - (await mean(plain.path))).toBeGreaterThan(40);
  });

  it.each([
    ['mp3', 4, 'mp3'],
    ['wav', 2, 'wav'],
    ['ogg', 3, 'ogg'],
  ])('renders %s audio of %i seconds', async (outputFormat, duration, container) => {
    const r = await run('audio', { outputFormat, duration });
    const probe = await probeMedia(r.path, { ffprobePath });
    expect(probe.video).toBeUndefined();
    expect(probe.audio).toBeDefined();
    expect(probe.container).toContain(container);
    expect(Math.abs(probe.durationSeconds - duration)).toBeLessThanOrEqual(0.1);
  });
});
