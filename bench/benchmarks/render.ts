import { join } from 'node:path';
import { findFfmpeg } from '../../packages/server/src/media/ffmpeg-binaries.ts';
import { runProcess } from '../../packages/server/src/media/run-process.ts';
import { H264_ARGS } from '../../packages/server/src/providers/local/render-video.ts';
import type { Benchmark, Figure } from '../lib/figures.ts';
import { medianFigures } from '../lib/figures.ts';
import { authHeaders, BENCH_KEY, gatewayEnv, startGateway } from '../lib/gateway-env.ts';
import { sleep } from '../lib/stats.ts';

const SIZES = [
  { resolution: '720p', width: 720, height: 1280 },
  { resolution: '1080p', width: 1080, height: 1920 },
];

interface GenerationJson {
  id: string;
  status: string;
  createdAt: string;
  completedAt: string | null;
  error: unknown;
}

/** One render through the API; wall seconds from the generation's own createdAt to completedAt. */
async function renderOnce(port: number, resolution: string, seconds: number): Promise<number> {
  const base = `http://127.0.0.1:${port}/api/v1/generations`;
  const r = await fetch(base, {
    method: 'POST',
    headers: authHeaders(BENCH_KEY),
    body: JSON.stringify({
      type: 'video',
      model: 'kling-3.0-omni',
      input: {
        prompt: 'a lighthouse in a storm',
        aspectRatio: '9:16',
        resolution,
        duration: seconds,
        audioEnabled: false,
      },
    }),
  });
  let g = (await r.json()) as GenerationJson;
  if (r.status >= 300) throw new Error(`create answered ${r.status}: ${JSON.stringify(g)}`);
  while (g.status === 'queued' || g.status === 'running') {
    await sleep(50);
    g = (await (
      await fetch(`${base}/${g.id}`, { headers: authHeaders(BENCH_KEY) })
    ).json()) as GenerationJson;
  }
  if (g.status !== 'succeeded' || !g.completedAt)
    throw new Error(`render ${g.status}: ${JSON.stringify(g.error)}`);
  return (Date.parse(g.completedAt) - Date.parse(g.createdAt)) / 1000;
}

/** 4. The local renderer against a bare ffmpeg encode of a test pattern of the same size and length. */
export const renderBenchmark: Benchmark = {
  name: 'render',
  title: 'Local renderer',
  async run(ctx) {
    const seconds = ctx.quick ? 3 : 4;
    const ffmpeg = findFfmpeg(null, process.env.PATH ?? '');
    const gateway = await startGateway(gatewayEnv(join(ctx.tmp, 'render'), null), 'all');
    const runs: Figure[][] = [];
    try {
      for (let run = 1; run <= ctx.runs; run++) {
        const figures: Figure[] = [];
        for (const size of SIZES) {
          const t0 = performance.now();
          await runProcess(ffmpeg, [
            '-hide_banner',
            '-nostdin',
            '-y',
            '-loglevel',
            'error',
            '-f',
            'lavfi',
            '-i',
            `testsrc2=size=${size.width}x${size.height}:rate=24:duration=${seconds}`,
            ...H264_ARGS,
            '-an',
            '-f',
            'mp4',
            join(ctx.tmp, `pattern-${size.resolution}.mp4`),
          ]);
          const bare = (performance.now() - t0) / 1000;
          const wall = await renderOnce(gateway.info.port, size.resolution, seconds);
          ctx.log(
            `  run ${run} ${size.resolution}: Reelay ${wall.toFixed(2)} s, bare ffmpeg ${bare.toFixed(2)} s for ${seconds} s of video`,
          );
          figures.push({
            name: `${size.resolution} (${size.width}×${size.height}) video s per wall s`,
            unit: 's/s',
            value: seconds / wall,
            baseline: seconds / bare,
            baselineName: 'ffmpeg testsrc2, same size/length/encoder settings',
          });
        }
        runs.push(figures);
      }
    } finally {
      await gateway.stop();
    }
    return {
      figures: medianFigures(runs),
      notes: [
        `One ${seconds} s 9:16 clip at a time without audio through POST /api/v1/generations on PGlite (one process); Reelay's time is the generation's createdAt → completedAt, so it includes queueing, sharp layers, ffmpeg, ffprobe and storing the asset. Baseline: the same ffmpeg binary encoding testsrc2 at the same size, 24 fps and length with the renderer's settings (libx264 veryfast, CRF 23, 2 threads).`,
      ],
    };
  },
};
