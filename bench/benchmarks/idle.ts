import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rssMbOf } from '../lib/child.ts';
import type { BenchContext, Benchmark, Figure } from '../lib/figures.ts';
import { medianFigures } from '../lib/figures.ts';
import { firstOk, freePort } from '../lib/http-wait.ts';
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

/** Starts `cmd`, times it to the first 200 on /readyz, waits `idleMs`, and reads the server's RSS. */
async function startOnce(cmd: string, args: string[], env: Record<string, string>, idleMs: number) {
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
    return { ms, server, tree };
  } finally {
    process.kill(-(child.pid as number), 'SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function oneRun(ctx: BenchContext, run: number): Promise<Figure[]> {
  const idleMs = ctx.quick ? 1000 : 5000;
  const dataDir = join(ctx.tmp, `idle-${run}`);
  const env = { REELAY_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'error' };
  const first = await startOnce('npm', ['start', '--silent'], env, idleMs);
  const again = await startOnce('npm', ['start', '--silent'], env, idleMs);
  const bare = await startOnce('npm', ['exec', '--', 'node', 'bench/lib/bare-http-main.js'], {}, idleMs);
  ctx.log(
    `  run ${run}: first start ${first.ms.toFixed(0)} ms, restart ${again.ms.toFixed(0)} ms, bare ${bare.ms.toFixed(0)} ms; idle RSS ${again.server.toFixed(0)} MB (npm tree ${again.tree.toFixed(0)} MB), bare ${bare.server.toFixed(0)} MB`,
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
    return {
      figures: medianFigures(runs),
      notes: [
        `\`npm start\` (API and worker in one process, PGlite in a new data folder, then again on the same folder), timed from spawn to the first 200 on GET /readyz (polled every 10 ms); RSS read from /proc after ${ctx.quick ? 1 : 5} s idle. \`npm start\` runs the production build (\`packages/server/dist/main.js\`) with plain node. Baseline: a bare node:http server answering /readyz, started through npm and plain node too.`,
      ],
    };
  },
};
