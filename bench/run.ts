/**
 * Gateway benchmarks, one command: `npm run bench`. Every figure is printed beside a baseline measured
 * in the same run on the same machine, as a ratio:
 *  - HTTP: quotes and generation creates (validation, pricing, the hold transaction) against GET /healthz;
 *  - rendering: the local renderer's 720p 3 s job against a bare ffmpeg encode of the same size and length.
 * All traffic goes to 127.0.0.1. Bounded: a fixed number of requests and renders.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway } from '../packages/server/src/app.ts';
import { loadConfig } from '../packages/server/src/config.ts';
import { findFfmpeg } from '../packages/server/src/media/ffmpeg-binaries.ts';

const REQUESTS = 2000;
const CONCURRENCY = 16;

async function load(
  url: string,
  init: RequestInit,
  count: number,
): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        const t0 = performance.now();
        const r = await fetch(url, init);
        await r.arrayBuffer();
        if (r.status >= 400) throw new Error(`${url} answered ${r.status}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { perSecond: count / seconds, p50: at(0.5), p99: at(0.99) };
}

async function run(cmd: string, args: string[]): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'ignore' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
  return performance.now() - t0;
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'reelay-bench-'));
  const config = loadConfig({
    REELAY_DATA_DIR: dataDir,
    PORT: '0',
    REELAY_DEV_TOKENS: '100000000',
    REELAY_KEY_RATE_PER_MINUTE: '10000000',
    REELAY_MAX_CONCURRENT_GENERATIONS: '10000000',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  });
  const worker = await createGateway(config, { role: 'api' });
  await worker.http.listen({ port: 0, host: '127.0.0.1' });
  const address = worker.http.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const base = `http://127.0.0.1:${address.port}`;
  const headers = { authorization: `Bearer ${worker.devKey}`, 'content-type': 'application/json' };
  const body = JSON.stringify({
    type: 'video',
    model: 'kling-3.0-omni',
    input: {
      prompt: 'cinematic drone shot over a city at night',
      aspectRatio: '9:16',
      resolution: '720p',
      duration: 3,
    },
  });
  const db = config.database.driver;
  console.log(`Reelay benchmarks (${db}, ${REQUESTS} requests, ${CONCURRENCY} concurrent)\n`);
  await load(`${base}/healthz`, {}, 200);
  const health = await load(`${base}/healthz`, {}, REQUESTS);
  const quotes = await load(`${base}/api/v1/quotes`, { method: 'POST', headers, body }, REQUESTS);
  const creates = await load(`${base}/api/v1/generations`, { method: 'POST', headers, body }, REQUESTS / 4);
  const row = (name: string, r: { perSecond: number; p50: number; p99: number }) =>
    console.log(
      `${name.padEnd(28)} ${r.perSecond.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99
        .toFixed(1)
        .padStart(6)} ms  ${(r.perSecond / health.perSecond).toFixed(2)}× of baseline`,
    );
  row('GET /healthz (baseline)', health);
  row('POST /api/v1/quotes', quotes);
  row('POST /api/v1/generations', creates);
  await worker.close();

  const ffmpeg = findFfmpeg(null, process.env.PATH ?? '');
  const out = join(dataDir, 'baseline.mp4');
  const baseline = await run(ffmpeg, [
    '-y',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=720x1280:rate=24:duration=3',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=3',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    out,
  ]);
  const full = await createGateway(loadConfig({ REELAY_DATA_DIR: join(dataDir, 'render'), PORT: '0' }));
  await full.http.listen({ port: 0, host: '127.0.0.1' });
  const a2 = full.http.server.address();
  if (!a2 || typeof a2 === 'string') throw new Error('no address');
  const h2 = { authorization: `Bearer ${full.devKey}`, 'content-type': 'application/json' };
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const created = (await (
      await fetch(`http://127.0.0.1:${a2.port}/api/v1/generations`, { method: 'POST', headers: h2, body })
    ).json()) as { id: string };
    for (;;) {
      const g = (await (
        await fetch(`http://127.0.0.1:${a2.port}/api/v1/generations/${created.id}`, { headers: h2 })
      ).json()) as { status: string };
      if (g.status === 'succeeded') break;
      if (g.status !== 'queued' && g.status !== 'running') throw new Error(`render ${g.status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    times.push(performance.now() - t0);
  }
  await full.close();
  times.sort((a, b) => a - b);
  const median = times[1] ?? 0;
  console.log(`\nbare ffmpeg 720×1280 3 s (baseline)  ${baseline.toFixed(0).padStart(6)} ms`);
  console.log(
    `create → succeeded, 720p 3 s audio   ${median.toFixed(0).padStart(6)} ms  ${(median / baseline).toFixed(2)}× of baseline (median of 3)`,
  );
  await rm(dataDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
