import { describe, expect, it } from 'vitest';
import { cancelAfterMs, replicateWaitSeconds } from './replicate-request.ts';

describe('Replicate request headers', () => {
  it('reads Prefer: wait as 60 s and wait=n as n', () => {
    expect(replicateWaitSeconds(undefined)).toBeNull();
    expect(replicateWaitSeconds('wait')).toBe(60);
    expect(replicateWaitSeconds('respond-async, wait')).toBe(60);
    expect(replicateWaitSeconds('wait=5')).toBe(5);
    expect(() => replicateWaitSeconds('wait=61')).toThrow(/Prefer/);
  });

  it('reads Cancel-After durations of at least 5 s, and names the header otherwise', () => {
    expect(cancelAfterMs(undefined)).toBeNull();
    expect(cancelAfterMs('90s')).toBe(90_000);
    expect(cancelAfterMs('5m')).toBe(300_000);
    expect(cancelAfterMs('1h30m')).toBe(5_400_000);
    expect(cancelAfterMs('1m500ms')).toBe(60_500);
    expect(cancelAfterMs('30')).toBe(30_000);
    for (const bad of ['4s', '', 'soon', '5 m', '-10s', '1d']) {
      expect(() => cancelAfterMs(bad), bad).toThrow(
        expect.objectContaining({ extra: { param: 'Cancel-After' } }),
      );
    }
  });
});
