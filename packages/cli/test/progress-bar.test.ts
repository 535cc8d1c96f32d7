import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../src/progress-bar.ts';

function log(): { lines: string[]; write(text: string): void } {
  const lines: string[] = [];
  return { lines, write: (text) => lines.push(...text.split('\n').filter(Boolean)) };
}

describe('a progress bar in a log (not a terminal)', () => {
  it('writes a handful of lines for a transfer of a thousand chunks, and its final detail', () => {
    const out = log();
    const bar = new ProgressBar('upload a.mp4', out, { logDetail: false });
    for (let i = 1; i <= 1000; i++) bar.update(i / 1000, `${i} KB of 1000 KB`);
    bar.done('asset://asset_1 (video/mp4)');
    expect(out.lines.length).toBeLessThanOrEqual(6);
    expect(out.lines[0]).toMatch(/^upload a\.mp4 \[·+\]\s+0% 1 KB of 1000 KB$/);
    expect(out.lines.at(-1)).toBe(`upload a.mp4 [${'#'.repeat(24)}] 100% asset://asset_1 (video/mp4)`);
  });

  it('writes a line or two for a transfer of unknown size, however many chunks come', () => {
    const out = log();
    const bar = new ProgressBar('download out.mp4', out, { logDetail: false });
    for (let i = 1; i <= 1000; i++) bar.update(null, `${i} KB`);
    bar.done('1000 KB video/mp4');
    expect(out.lines).toEqual([
      'download out.mp4 1 KB',
      `download out.mp4 [${'#'.repeat(24)}] 100% 1000 KB video/mp4`,
    ]);
  });

  it('writes a line for every new status, as the statuses of a generation come', () => {
    const out = log();
    const bar = new ProgressBar('gen_1', out);
    for (const [f, status] of [
      [0, 'queued'],
      [0, 'queued'],
      [0.1, 'running'],
      [0.12, 'running'],
      [1, 'succeeded'],
    ] as const)
      bar.update(f, status);
    bar.done();
    expect(out.lines.map((l) => l.split(' ').at(-1))).toEqual(['queued', 'running', 'succeeded']);
  });
});
