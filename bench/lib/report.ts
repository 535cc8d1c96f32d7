import { cpus, loadavg, totalmem } from 'node:os';
import type { BenchResult, Figure } from './figures.ts';

/** The machine the figures were taken on. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ${process.platform}-${process.arch}`;
}

const num = (n: number) =>
  n === 0 ? '0' : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);

function row(f: Figure): string[] {
  const goal = f.goal ? `${f.goal} ${f.met === undefined ? '' : f.met ? '✓' : '✗'}`.trim() : '';
  return [
    f.name,
    `${num(f.value)} ${f.unit}`,
    `${num(f.baseline)} ${f.unit} (${f.baselineName})`,
    `${(f.ratio ?? f.value / f.baseline).toFixed(2)}×`,
    goal,
    String(f.runs ?? 1),
  ];
}

const HEAD = ['figure', 'Reelay', 'baseline (same run)', 'ratio', 'goal', 'runs'];

/** A Markdown table with padded columns (as the formatter writes it, so results.md needs no reformatting). */
function markdownTable(rows: string[][]): string[] {
  const widths = HEAD.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(HEAD), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** The results as a plain-text table for the terminal. */
export function textTable(results: { title: string; result: BenchResult }[]): string {
  const rows = results.flatMap((r) => r.result.figures.map(row));
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** bench/results.md: the machine, then one table and its notes per benchmark. */
export function markdown(
  results: { title: string; result: BenchResult; seconds?: number }[],
  meta: { quick: boolean; runs: number; started: Date; minutes?: number; skipped: string[] },
): string {
  const out = [
    '# Benchmark results',
    '',
    `Machine: ${machine()}. Taken ${meta.started.toISOString().slice(0, 16).replace('T', ' ')} UTC${meta.quick ? ', **quick mode** (small sizes, one run: a smoke check, not a measurement)' : `, median of ${meta.runs} runs per figure`}${meta.minutes === undefined ? '' : `; the whole run took ${meta.minutes.toFixed(1)} min`}.`,
    '',
    `Load average when it ended: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')} (1, 5, 15 min); on a shared machine absolute figures move with it, ratios less.`,
    '',
    'Every figure stands beside a baseline measured in the same run on the same machine; the ratio is Reelay ÷ baseline (the median of the per-run ratios). Load generator, servers and database share the machine.',
    '',
  ];
  const goals = results.flatMap((r) => r.result.figures.filter((f) => f.goal !== undefined));
  if (goals.length > 0) {
    out.push('## Goals of the issue', '');
    for (const f of goals) {
      const verdict = f.met === undefined ? 'not judged' : f.met ? '✓ met' : '✗ missed';
      out.push(
        `- ${verdict}: ${f.name}: ${num(f.value)} ${f.unit}, ${(f.ratio ?? 0).toFixed(2)}× baseline (goal ${f.goal})`,
      );
    }
    out.push('');
  }
  for (const { title, result, seconds } of results) {
    out.push(`## ${title}`, '');
    if (seconds !== undefined) out.push(`(${seconds.toFixed(0)} s)`, '');
    out.push(...markdownTable(result.figures.map(row)));
    out.push('');
    for (const note of result.notes) out.push(`- ${note}`);
    out.push('');
  }
  for (const s of meta.skipped) out.push(`- Skipped: ${s}`);
  return `${out.join('\n').trimEnd()}\n`;
}
