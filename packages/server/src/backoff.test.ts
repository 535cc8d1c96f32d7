import { describe, expect, it } from 'vitest';
import { backoffMs } from './backoff.ts';

describe('backoffMs', () => {
  it('doubles from the base up to the cap', () => {
    const plain = [0, 1, 2, 3, 11, 29].map((n) => backoffMs(n, { baseMs: 30_000, maxMs: 6 * 3_600_000 }));
    expect(plain).toEqual([30_000, 60_000, 120_000, 240_000, 6 * 3_600_000, 6 * 3_600_000]);
    expect(backoffMs(-3, { baseMs: 500, maxMs: 30_000 })).toBe(500);
  });

  it('adds at most the jitter asked for', () => {
    expect(backoffMs(1, { baseMs: 1000, maxMs: 10_000, jitter: 0.1, random: () => 0.999 })).toBe(2200);
    expect(backoffMs(1, { baseMs: 1000, maxMs: 10_000, jitter: 0.1, random: () => 0 })).toBe(2000);
  });
});
