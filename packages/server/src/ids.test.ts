import { describe, expect, it } from 'vitest';
import { newId, randomBase62 } from './ids.ts';

describe('ids', () => {
  it('are prefixed base62 of 20 characters, never repeated across many pool refills', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('gen'));
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^gen_[0-9A-Za-z]{20}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('use every character of the alphabet about equally often', () => {
    const counts = new Map<string, number>();
    const text = randomBase62(620_000);
    expect(text).toHaveLength(620_000);
    for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 10,000 expected each; the standard deviation is about 100, so 10 % off would be 10 deviations.
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(9_000);
      expect(n).toBeLessThan(11_000);
    }
  });
});
