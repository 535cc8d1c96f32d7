import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { findFfprobe } from '../../src/media/ffmpeg-binaries.ts';
import { probeMedia } from '../../src/media/probe.ts';
import { createGuardedFetch } from '../../src/net/guarded-fetch.ts';
import type { Provider, ResolvedMedia, StartCall } from '../../src/providers/provider.ts';
import { upstreamProviders } from '../../src/providers/upstream-providers.ts';
import { downloadOutput } from '../../src/worker/store-outputs.ts';
import { omniCall } from '../start-call.ts';

/**
 * Two real generations per upstream: the cheapest kling-3.0-omni request (3 s, 720p, no audio), and the same with
 * a reference image handed over by the upstream's own file protocol (fal storage upload, Replicate Files API,
 * Kling inline base64: no public link), each started, followed to its end, downloaded through the guarded fetch
 * and probed. Each upstream's test fails loudly
 * when its credentials are missing; REELAY_LIVE_PROVIDERS (e.g. "kling,fal") limits which ones run.
 */
const REQUIRED: Record<string, string[]> = {
  kling: ['REELAY_KLING_ACCESS_KEY', 'REELAY_KLING_SECRET_KEY'],
  fal: ['REELAY_FAL_KEY'],
  replicate: ['REELAY_REPLICATE_API_TOKEN'],
};
const selected = (process.env.REELAY_LIVE_PROVIDERS ?? 'kling,fal,replicate').split(',').map((s) => s.trim());

describe('live upstreams (real calls, real money)', () => {
  let dir = '';
  const outbound = createGuardedFetch({});
  afterAll(async () => {
    await outbound.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The upstream `id` as configured, failing loudly when its credentials are missing. */
  function liveProvider(id: string): Provider {
    const names = REQUIRED[id];
    if (!names) throw new Error(`REELAY_LIVE_PROVIDERS names an unknown upstream "${id}"`);
    const missing = names.filter((n) => !process.env[n]?.trim());
    if (missing.length > 0) {
      throw new Error(`LIVE TEST FOR ${id.toUpperCase()} CANNOT RUN: ${missing.join(' and ')} not set`);
    }
    const config = loadConfig(process.env);
    const provider = upstreamProviders(config.upstreams, { fetch, now: Date.now }).find(
      (p): p is Provider => p.id === id,
    );
    if (!provider) throw new Error(`${id} is not enabled by the configuration`);
    return provider;
  }

  /** Starts `call`, follows it to its end, downloads the output through the guarded fetch and probes it. */
  async function runToVideo(provider: Provider, call: StartCall): Promise<void> {
    expect(provider.assess?.(call).problems ?? []).toEqual([]);
    const { operation } = await provider.start(call);
    let status = await provider.status({ operation, signal: new AbortController().signal });
    for (let i = 0; i < 180 && status.state === 'pending'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      status = await provider.status({ operation, signal: new AbortController().signal });
    }
    expect(status.state).toBe('succeeded');
    if (status.state !== 'succeeded') return;
    dir ||= await mkdtemp(join(tmpdir(), 'reelay-live-'));
    const file = await downloadOutput(
      {
        fetchOutput: outbound as typeof fetch,
        maxOutputBytes: 500 * 1024 * 1024,
        downloadTimeoutMs: 300_000,
        downloadDir: dir,
      },
      status.outputs[0]?.url ?? '',
      new AbortController().signal,
    );
    const probe = await probeMedia(file.path, { ffprobePath: findFfprobe(null, process.env.PATH ?? '') });
    expect(probe.durationSeconds).toBeGreaterThan(2);
  }

  for (const id of selected) {
    it(`${id}: makes a 3 s video end to end`, async () => {
      const provider = liveProvider(id);
      const call = omniCall(
        {
          prompt: 'A paper boat drifting on a calm pond, soft morning light',
          aspectRatio: '16:9',
          duration: 3,
          audioEnabled: false,
        },
        { generationId: `gen_live_${id}_${Date.now()}` },
      );
      await runToVideo(provider, call);
    });

    it(`${id}: hands a reference image over by its own file protocol, with no public link, and animates it`, async () => {
      const provider = liveProvider(id);
      const files = provider.files;
      if (!files) throw new Error(`${id} has no file hand-over`);
      dir ||= await mkdtemp(join(tmpdir(), 'reelay-live-'));
      const path = join(dir, `reference-${id}.png`);
      const png = await sharp({
        create: { width: 720, height: 720, channels: 3, background: { r: 40, g: 90, b: 160 } },
      })
        .png()
        .toBuffer();
      await writeFile(path, png);
      const file = {
        assetId: `asset_live_${id}`,
        kind: 'image' as const,
        mediaType: 'image/png',
        bytes: png.length,
        path,
      };
      expect(files.accepts(file)).toBe(true);
      // What the upstream was given: its own file URL (fal, Replicate) or the bytes inline (Kling).
      const handed = await files.handOver(file, new AbortController().signal);
      expect(handed.url).not.toBe('');
      const media: ResolvedMedia[] = [{ field: 'referenceAssetUris', index: 0, ...file, url: handed.url }];
      const call = omniCall(
        {
          prompt: 'The blue square slowly turns into a calm sea',
          aspectRatio: '1:1',
          duration: 3,
          audioEnabled: false,
        },
        { generationId: `gen_live_upload_${id}_${Date.now()}`, media },
      );
      await runToVideo(provider, call);
    });
  }
});
