import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssMbOf } from '../lib/child.ts';
import type { BenchContext, Benchmark, Figure } from '../lib/figures.ts';
import { medianFigures } from '../lib/figures.ts';
import { authHeaders, BENCH_KEY } from '../lib/gateway-env.ts';
import { firstOk, freePort } from '../lib/http-wait.ts';
import { imageRequest } from '../lib/image-request.ts';
import { sleep } from '../lib/stats.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every process below `pid` (npm → sh → node). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parents) {
      if (parent !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

/** How many generations run before the RSS after work is read. */
const GENERATIONS = 1000;

/**
 * `count` generations of the catalog's first image model (its example input, the local renderer's quickest work)
 * created through the API on `port` with the development key by 8 clients, each following its generation to the
 * end (`Prefer: wait`, then polling) before creating the next; throws if any did not succeed.
 */
async function generate(port: number, count: number): Promise<void> {
  const base = `http://127.0.0.1:${port}/api/v1/generations`;
  const headers = authHeaders(BENCH_KEY);
  const { body } = imageRequest();
  let next = 0;
  const client = async () => {
    while (next < count) {
      next++;
      const r = await fetch(base, { method: 'POST', headers: { ...headers, prefer: 'wait=30' }, body });
      let g = (await r.json()) as { id: string; status: string };
      if (r.status >= 300) throw new Error(`create answered ${r.status}: ${JSON.stringify(g)}`);
      while (g.status === 'queued' || g.status === 'running') {
        await sleep(100);
        g = (await (await fetch(`${base}/${g.id}`, { headers })).json()) as { id: string; status: string };
      }
      if (g.status !== 'succeeded') throw new Error(`a generation ended ${g.status}: ${JSON.stringify(g)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
}

/**
 * Starts `cmd`, times it to the first 200 on /readyz, waits `idleMs`, and reads the server's RSS; with
 * `generations`, then runs that many (see generate) and reads it again after `idleMs`.
 */
async function startOnce(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  idleMs: number,
  generations = 0,
) {
  const port = await freePort();
  const t0 = performance.now();
  const child: ChildProcess = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: 'ignore',
    detached: true,
  });
  try {
    const ms = await firstOk(`http://127.0.0.1:${port}/readyz`, t0, 120_000, 10);
    await sleep(idleMs);
    const pids = [child.pid as number, ...descendants(child.pid as number)];
    const server = Math.max(...pids.map(rssMbOf));
    const tree = pids.map(rssMbOf).reduce((a, b) => a + b, 0);
    let afterWork = 0;
    if (generations > 0) {
      await generate(port, generations);
      await sleep(idleMs);
      afterWork = Math.max(...pids.map(rssMbOf));
    }
    return { ms, server, tree, afterWork };
  } finally {
    process.kill(-(child.pid as number), 'SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function oneRun(ctx: BenchContext, run: number): Promise<Figure[]> {
  const idleMs = ctx.quick ? 1000 : 5000;
  const dataDir = join(ctx.tmp, `idle-${run}`);
  // The development key is given so the load generator knows it, and its account's limits (balance, rate,
  // generations in flight) are lifted so that none of them refuses a create of the run.
  const env = {
    REELAY_DATA_DIR: dataDir,
    DATABASE_URL: '',
    LOG_LEVEL: 'error',
    REELAY_DEV_KEY: BENCH_KEY,
    REELAY_DEV_TOKENS: '1000000000',
    REELAY_KEY_RATE_PER_MINUTE: '10000000',
    REELAY_MAX_CONCURRENT_GENERATIONS: '10000000',
  };
  const first = await startOnce('npm', ['start', '--silent'], env, idleMs);
  const again = await startOnce('npm', ['start', '--silent'], env, idleMs, GENERATIONS);
  const bare = await startOnce('npm', ['exec', '--', 'node', 'bench/lib/bare-http-main.js'], {}, idleMs);
  ctx.log(
    `  run ${run}: first start ${first.ms.toFixed(0)} ms, restart ${again.ms.toFixed(0)} ms, bare ${bare.ms.toFixed(0)} ms; idle RSS ${again.server.toFixed(0)} MB (npm tree ${again.tree.toFixed(0)} MB), bare ${bare.server.toFixed(0)} MB; RSS after ${GENERATIONS} generations ${again.afterWork.toFixed(0)} MB`,
  );
  const b = 'bare node:http via npm exec + node';
  return [
    {
      name: 'start-up to first 200 on /readyz, new data folder',
      unit: 'ms',
      value: first.ms,
      baseline: bare.ms,
      baselineName: b,
    },
    {
      name: 'start-up to first 200 on /readyz, existing folder',
      unit: 'ms',
      value: again.ms,
      baseline: bare.ms,
      baselineName: b,
    },
    {
      name: 'idle RSS of the server process (PGlite inside)',
      unit: 'MB',
      value: again.server,
      baseline: bare.server,
      baselineName: b,
    },
    {
      name: `RSS of the server process after ${GENERATIONS} generations`,
      unit: 'MB',
      value: again.afterWork,
      baseline: bare.server,
      baselineName: `${b}, idle`,
    },
    {
      name: 'idle RSS, whole npm start tree',
      unit: 'MB',
      value: again.tree,
      baseline: bare.tree,
      baselineName: b,
    },
  ];
}

/** 7. An idle `npm start` on the embedded database: memory and start-up time. */
export const idleBenchmark: Benchmark = {
  name: 'idle',
  title: 'Idle `npm start` (PGlite) and start-up time',
  async run(ctx) {
    const runs: Figure[][] = [];
    for (let run = 1; run <= ctx.runs; run++) runs.push(await oneRun(ctx, run));
    const figures = medianFigures(runs, {
      'start-up to first 200 on /readyz, new data folder': (f) => f.value < 4000,
      'start-up to first 200 on /readyz, existing folder': (f) => f.value < 1500,
      'idle RSS of the server process (PGlite inside)': (f) => f.value < 250,
      [`RSS of the server process after ${GENERATIONS} generations`]: (f) => f.value < 350,
    });
    const goals: Record<string, string> = {
      'start-up to first 200 on /readyz, new data folder': '< 4 s',
      'start-up to first 200 on /readyz, existing folder': '< 1.5 s',
      'idle RSS of the server process (PGlite inside)': '< 250 MB',
      [`RSS of the server process after ${GENERATIONS} generations`]: '< 350 MB',
    };
    for (const f of figures) {
      const goal = goals[f.name];
      if (goal) f.goal = goal;
    }
    return {
      figures,
      notes: [
        `\`npm start\` (API and worker in one process, PGlite in a new data folder, then again on the same folder), timed from spawn to the first 200 on GET /readyz (polled every 10 ms); RSS read from /proc after ${ctx.quick ? 1 : 5} s idle, and again, on the existing folder, after ${GENERATIONS} generations of ${imageRequest().model} (the catalog's first image model, its example input without media: the local renderer's quickest work) created through the API with the development key by 8 clients, each following its generation to its end (\`Prefer: wait=30\`, then polling) before the next (the dev account's balance, rate and in-flight limits lifted), then ${ctx.quick ? 1 : 5} s idle. \`npm start\` runs the production build (\`packages/server/dist/main.js\`) with plain node. Baseline: a bare node:http server answering /readyz, started through npm and plain node too.`,
      ],
    };
  },
};
