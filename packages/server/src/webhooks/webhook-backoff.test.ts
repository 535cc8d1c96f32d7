import { describe, expect, it } from 'vitest';
import { webhookBackoffMs } from './webhook-backoff.ts';

describe('webhookBackoffMs', () => {
  it('doubles from the base up to the cap', () => {
    const plain = [1, 2, 3, 4, 12, 30].map((n) => webhookBackoffMs(n, 30_000, 6 * 3_600_000, () => 0));
    expect(plain).toEqual([30_000, 60_000, 120_000, 240_000, 6 * 3_600_000, 6 * 3_600_000]);
  });

  it('adds at most a tenth of jitter', () => {
    expect(webhookBackoffMs(2, 1000, 10_000, () => 0.999)).toBe(2200);
  });

  it('spreads about 20 attempts over 3 days with the default settings', () => {
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < 72 * 3_600_000) elapsed += webhookBackoffMs(++attempts, 30_000, 6 * 3_600_000, () => 0);
    expect(attempts).toBeGreaterThan(15);
    expect(attempts).toBeLessThan(25);
  });
});
