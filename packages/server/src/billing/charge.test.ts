import { describe, expect, it } from 'vitest';
import { chargeMilli } from './charge.ts';

const perSecond = { tokens: 25.5, milliTokens: 25_500, tokensPerSecond: 8.5, seconds: 3 };

describe('chargeMilli', () => {
  it('charges the hold when all seconds were delivered', () => {
    expect(chargeMilli(perSecond, 25_500, 3)).toBe(25_500);
    expect(chargeMilli(perSecond, 25_500, 2.96)).toBe(25_500);
  });
  it('charges only the delivered seconds when fewer came back', () => {
    expect(chargeMilli(perSecond, 25_500, 2)).toBe(17_000);
    expect(chargeMilli(perSecond, 25_500, 0)).toBe(0);
  });
  it('never charges more than the hold', () => {
    expect(chargeMilli(perSecond, 25_500, 10)).toBe(25_500);
    expect(chargeMilli({ ...perSecond, tokensPerSecond: 100 }, 25_500, 2)).toBe(25_500);
  });
  it('charges flat prices whole', () => {
    expect(chargeMilli({ tokens: 2, milliTokens: 2000 }, 2000, 1)).toBe(2000);
  });
});
