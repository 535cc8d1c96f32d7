import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type EnumField,
  type Json,
  type ModelEntry,
  models,
  type NumberField,
  prepare,
} from '@reelay/catalog';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg, findFfprobe } from '../src/media/ffmpeg-binaries.ts';
import { probeMedia } from '../src/media/probe.ts';
import { runProcess } from '../src/media/run-process.ts';
import { frameSize, imageSize } from '../src/providers/local/render-spec.ts';
import { makePng, startGateway, type TestGateway, upload, waitForFinal } from './harness.ts';

/** Sizes from smallest to largest, to pick each model's cheapest and fastest. */
const SIZE_ORDER = ['480p', '720p', '1080p', '4k', '1K', '2K', '3K', '4K'];

const fieldOf = <T>(m: ModelEntry, name: string) => m.fields.find((f) => f.name === name) as T | undefined;

/**
 * The model's documented example, made runnable: placeholder assets replaced by uploaded ones of the slot's
 * kind, and the shortest duration and smallest size it offers so the loop stays quick.
 */
function runnableExample(m: ModelEntry, assets: Record<string, string>): Record<string, Json> {
  const input: Record<string, Json> = { ...m.exampleInput };
  for (const f of m.fields) {
    if (f.kind === 'media' && input[f.name] !== undefined) {
      const uri = assets[f.media] as string;
      input[f.name] = Array.isArray(input[f.name]) ? [uri] : uri;
    }
  }
  const seconds = fieldOf<NumberField>(m, 'duration');
  if (seconds) input.duration = seconds.min;
  for (const name of ['resolution', 'imageSize']) {
    const f = fieldOf<EnumField>(m, name);
    if (f)
      input[name] = [...f.values].sort((a, b) => SIZE_ORDER.indexOf(a) - SIZE_ORDER.indexOf(b))[0] as string;
  }
  return input;
}

describe('the documented example of every model, end to end on a test key', () => {
  let t: TestGateway;
  const assets: Record<string, string> = {};

  beforeAll(async () => {
    t = await startGateway('pglite');
    assets.image = (await upload(t, await makePng(640, 480, [30, 120, 200]), 'image/png')).uri;
    const clip = join(t.dataDir, 'motion.mp4');
    const ffmpeg = findFfmpeg(null, process.env.PATH ?? '');
    const made = await runProcess(ffmpeg, [
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=640x360:rate=24:duration=3',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      clip,
    ]);
    if (made.code !== 0) throw new Error(made.stderr);
    assets.video = (await upload(t, await readFile(clip), 'video/mp4')).uri;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('runs all of them to outputs of the right kind, size and length, charged as quoted', async () => {
    const started = [];
    for (const m of models) {
      const input = runnableExample(m, assets);
      const expected = prepare(m, input);
      if (!expected.ok) throw new Error(`${m.id}: ${JSON.stringify(expected.errors)}`);
      const created = await t.api('POST', '/api/v1/generations', { type: m.type, model: m.id, input });
      expect(created.status, `${m.id}: ${created.text}`).toBe(202);
      expect(created.json, m.id).toMatchObject({
        model: m.id,
        type: m.type,
        mode: expected.value.mode,
        variant: expected.value.variant,
        provider: 'local',
        environment: 'test',
        quote: { tokens: expected.value.quote.tokens },
      });
      started.push({ m, id: created.json.id as string, input: expected.value.input });
    }

    for (const { m, id, input } of started) {
      const done = await waitForFinal(t, id, {}, 240_000);
      expect(done.json.status, `${m.id}: ${JSON.stringify(done.json.error)}`).toBe('succeeded');
      expect(done.json.chargedTokens, m.id).toBe(done.json.quote.tokens);
      expect(done.json.outputs, m.id).toHaveLength(1);
      const output = done.json.outputs[0];
      const response = await fetch(output.url.replace(t.gateway.config.publicUrl, t.baseUrl), {
        headers: { authorization: `Bearer ${t.key}` },
      });
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      if (m.type === 'video') {
        // Models without a resolution field (motion transfer) render at 720p.
        const size = frameSize(
          input.aspectRatio as string,
          (input.resolution as string | undefined) ?? '720p',
        );
        // HappyHorse always has sound; the motion examples keep none (audioEnabled false).
        const hasAudio = m.audio === 'always' || input.audioEnabled === true;
        expect(output, m.id).toMatchObject({ mediaType: 'video/mp4', ...size, hasAudio });
        const path = join(t.dataDir, `${id}.mp4`);
        await writeFile(path, bytes);
        const probe = await probeMedia(path, { ffprobePath: findFfprobe(null, process.env.PATH ?? '') });
        expect(probe.video, m.id).toMatchObject(size);
        expect(probe.audio !== undefined, m.id).toBe(hasAudio);
        expect(Math.abs(probe.durationSeconds - (input.duration as number)), m.id).toBeLessThanOrEqual(0.05);
      } else {
        const size = imageSize(input.aspectRatio as string, (input.imageSize as string | undefined) ?? '1K');
        expect(output, m.id).toMatchObject({ mediaType: 'image/png', ...size });
        const meta = await sharp(bytes).metadata();
        expect({ width: meta.width, height: meta.height, format: meta.format }, m.id).toEqual({
          ...size,
          format: 'png',
        });
      }
    }
  }, 600_000);
});
