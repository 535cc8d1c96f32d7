/**
 * Reelay's benchmarks, one command: `npm run bench [-- [--quick] [name…]]`. Runs the selected benchmarks
 * (all by default), prints a table and writes bench/results.md. Every figure is a ratio against a
 * baseline measured in the same run; figures are medians of several runs (one in --quick mode).
 * All traffic goes to 127.0.0.1. `BENCH_CPU_PROF=<dir>` profiles the gateway processes (--cpu-prof).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBenchmark } from './benchmarks/create.ts';
import { idleBenchmark } from './benchmarks/idle.ts';
import { inFlightBenchmark } from './benchmarks/in-flight.ts';
import { peerBenchmark } from './benchmarks/peer.ts';
import { pipelineBenchmark } from './benchmarks/pipeline.ts';
import { renderBenchmark } from './benchmarks/render.ts';
import { sseBenchmark } from './benchmarks/sse.ts';
import { statusBenchmark } from './benchmarks/status.ts';
import { uploadBenchmark } from './benchmarks/upload.ts';
import { webhooksBenchmark } from './benchmarks/webhooks.ts';
import type { Benchmark, BenchResult } from './lib/figures.ts';
import { postgresAvailable } from './lib/postgres.ts';
import { machine, markdown, textTable } from './lib/report.ts';

const BENCHMARKS: Benchmark[] = [
  createBenchmark,
  statusBenchmark,
  sseBenchmark,
  webhooksBenchmark,
  pipelineBenchmark,
  inFlightBenchmark,
  renderBenchmark,
  uploadBenchmark,
  peerBenchmark,
  idleBenchmark,
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark ${unknown.join(', ')}; choose from ${BENCHMARKS.map((b) => b.name).join(', ')}`,
    );
  }
  const selected = names.length ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;
  const runs = quick ? 1 : Number(process.env.BENCH_RUNS ?? 3);
  const postgresUrl = await postgresAvailable();
  const skipped = postgresUrl ? [] : ['PostgreSQL figures: no server answered on 127.0.0.1:5432'];
  const started = new Date();
  console.log(`Reelay benchmarks on ${machine()}${quick ? ' (quick)' : `, ${runs} runs each`}\n`);
  const results: { title: string; result: BenchResult; seconds: number }[] = [];
  for (const bench of selected) {
    console.log(`${bench.title}…`);
    const t0 = performance.now();
    const seconds = () => (performance.now() - t0) / 1000;
    const tmp = await mkdtemp(join(tmpdir(), `reelay-bench-${bench.name}-`));
    try {
      const result = await bench.run({ quick, runs, tmp, postgresUrl, log: (m) => console.log(m) });
      results.push({ title: bench.title, result, seconds: seconds() });
    } catch (error) {
      console.error(`${bench.name} failed:`, error);
      results.push({
        title: bench.title,
        result: { figures: [], notes: [`Failed: ${(error as Error).message}`] },
        seconds: seconds(),
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    console.log(`  (${seconds().toFixed(0)} s)`);
  }
  const minutes = (Date.now() - started.getTime()) / 60_000;
  console.log(`\n${textTable(results)}\n\nAll benchmarks took ${minutes.toFixed(1)} min.`);
  const file = fileURLToPath(new URL('results.md', import.meta.url));
  await writeFile(file, markdown(results, { quick, runs, started, minutes, skipped }));
  console.log(`Written to ${file}${existsSync(file) ? '' : ' (failed)'}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
