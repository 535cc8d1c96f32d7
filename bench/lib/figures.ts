import { median } from './stats.ts';

/** One measured number beside the baseline measured in the same run. */
export interface Figure {
  /** What was measured, e.g. `req/s, PostgreSQL, 64 connections`. */
  name: string;
  unit: string;
  value: number;
  baseline: number;
  /** What the baseline is, e.g. `bare node:http + INSERT`. */
  baselineName: string;
  /** The goal for this figure, in words, and whether the median met it. */
  goal?: string;
  met?: boolean;
  /** How many runs the median is of. */
  runs?: number;
  ratio?: number;
}

/** What a benchmark hands back: its figures (medians over its runs) and notes on what was compared. */
export interface BenchResult {
  figures: Figure[];
  notes: string[];
}

export interface BenchContext {
  /** Small sizes and one run, for smoke checks. */
  quick: boolean;
  /** Runs per figure (medians are taken over them). */
  runs: number;
  /** Folder for this benchmark's files; removed afterwards. */
  tmp: string;
  /** The PostgreSQL server's admin URL, or null when none answers. */
  postgresUrl: string | null;
  log(message: string): void;
}

/** A benchmark the runner can select by name. */
export interface Benchmark {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/**
 * Folds the figures of several runs into one per name: the median value, the median baseline and the
 * median of the per-run ratios (each ratio pairs a value with the baseline of the same run).
 */
export function medianFigures(
  runs: Figure[][],
  goals: Record<string, (f: Figure) => boolean> = {},
): Figure[] {
  const byName = new Map<string, Figure[]>();
  for (const run of runs) for (const f of run) byName.set(f.name, [...(byName.get(f.name) ?? []), f]);
  return [...byName.entries()].map(([name, all]) => {
    const first = all[0] as Figure;
    const folded: Figure = {
      ...first,
      value: median(all.map((f) => f.value)),
      baseline: median(all.map((f) => f.baseline)),
      ratio: median(all.map((f) => (f.baseline === 0 ? 0 : f.value / f.baseline))),
      runs: all.length,
    };
    const check = goals[name];
    if (check) folded.met = check(folded);
    return folded;
  });
}
