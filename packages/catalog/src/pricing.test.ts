import { describe, expect, it } from 'vitest';
import { prepare } from './prepare.ts';
import { checkPriceOverrides, fromPrice, PriceUnavailableError, priceTable, quoteFor } from './pricing.ts';
import { findModel } from './registry.ts';
import { imageEditor, steppedVideo } from './test-models.ts';
import type { ModelEntry } from './types.ts';

const kling = findModel('kling-3.0-omni') as ModelEntry;
const TABLE: Record<string, number> = {
  '720p': 6400,
  '720p-audio': 8500,
  '1080p': 8500,
  '1080p-audio': 11300,
};

describe('kling-3.0-omni prices', () => {
  it('ships the provisional table', () => {
    expect(Object.fromEntries(priceTable(kling).map((v) => [v.variant, v.milliTokens]))).toEqual(TABLE);
    expect(priceTable(kling).every((v) => v.provisional && v.unit === 'per_second')).toBe(true);
    expect(kling.pricing.note?.en).toMatch(/provisional/i);
    expect(priceTable(kling).map((v) => v.label.en)).toEqual([
      '720p',
      '720p · Audio',
      '1080p',
      '1080p · Audio',
    ]);
  });

  it('quotes every variant at table price × duration for every duration', () => {
    for (const resolution of ['720p', '1080p']) {
      for (const audioEnabled of [false, true]) {
        for (let duration = 3; duration <= 15; duration++) {
          const r = prepare(kling.id, { prompt: 'p', resolution, audioEnabled, duration });
          if (!r.ok) throw new Error(JSON.stringify(r.errors));
          const variant = `${resolution}${audioEnabled ? '-audio' : ''}`;
          const perSecond = TABLE[variant] as number;
          expect(r.value.variant).toBe(variant);
          expect(r.value.quote).toEqual({
            milliTokens: perSecond * duration,
            tokens: (perSecond * duration) / 1000,
            tokensPerSecond: perSecond / 1000,
            seconds: duration,
          });
        }
      }
    }
  });

  it('lets an override replace one price and leaves the others', () => {
    const prices = { [kling.id]: { '1080p': 9000 } };
    const table = priceTable(kling, prices);
    expect(table.find((v) => v.variant === '1080p')).toMatchObject({ milliTokens: 9000, provisional: false });
    expect(table.find((v) => v.variant === '720p')).toMatchObject({ milliTokens: 6400, provisional: true });
    const r = prepare(
      kling.id,
      { prompt: 'p', resolution: '1080p', audioEnabled: false, duration: 5 },
      { prices },
    );
    expect(r.ok && r.value.quote.tokens).toBe(45);
    // Overrides of other models do not leak.
    expect(priceTable(kling, { other: { '1080p': 1 } })).toEqual(priceTable(kling));
  });

  it.each([0, -1000, 1.5, Number.NaN])('refuses to quote a variant whose override is %d', (milliTokens) => {
    const prices = { [kling.id]: { '720p-audio': milliTokens } };
    expect(() => prepare(kling.id, { prompt: 'p' }, { prices })).toThrow(PriceUnavailableError);
  });
});

describe('quoteFor', () => {
  it('quotes a flat price without seconds', () => {
    expect(quoteFor(imageEditor, { quality: 'high' }, 'high')).toEqual({ tokens: 2.5, milliTokens: 2500 });
    const r = prepare(imageEditor, { prompt: 'p' });
    expect(r.ok && r.value.quote).toEqual({ tokens: 1, milliTokens: 1000 });
  });

  it('throws PriceUnavailableError, with the model and variant, for a variant the table lacks', () => {
    try {
      prepare(steppedVideo, { prompt: 'p', resolution: '4k' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PriceUnavailableError);
      expect(error).toMatchObject({ model: 'test-stepped-video', variant: '4k' });
    }
    // The variant's own price is what counts: a price for another variant does not stand in for it.
    const prices = { 'test-stepped-video': { '720p': 4000 } };
    expect(() => prepare(steppedVideo, { prompt: 'p', resolution: '4k' }, { prices })).toThrow(
      PriceUnavailableError,
    );
  });

  it('refuses a per-second price without seconds to multiply', () => {
    expect(() => quoteFor(kling, { resolution: '720p' }, '720p')).toThrow(PriceUnavailableError);
  });
});

describe('fromPrice', () => {
  it('is the cheapest usable price of the unit', () => {
    expect(fromPrice(priceTable(kling), 'per_second')).toBe(6400);
    expect(fromPrice(priceTable(kling), 'flat')).toBeUndefined();
    expect(fromPrice(priceTable(kling, { [kling.id]: { '720p': 0 } }), 'per_second')).toBe(8500);
    expect(fromPrice(priceTable(imageEditor), 'flat')).toBe(1000);
  });
});

describe('checkPriceOverrides', () => {
  it('accepts known variants with positive whole milli-tokens', () => {
    expect(checkPriceOverrides({})).toEqual([]);
    expect(checkPriceOverrides({ [kling.id]: { '720p': 7000, '1080p-audio': 12000 } })).toEqual([]);
  });

  it('names unknown models, unknown variants and unusable prices', () => {
    expect(
      checkPriceOverrides({ nope: { x: 1 }, [kling.id]: { '4k': 1000, '720p': 0, '1080p': 2.5 } }),
    ).toEqual([
      'prices name the model nope, which the catalog does not have',
      'kling-3.0-omni has no variant 4k; its variants are 720p, 720p-audio, 1080p, 1080p-audio',
      'the price of kling-3.0-omni 720p must be a positive whole number of milli-tokens; got 0',
      'the price of kling-3.0-omni 1080p must be a positive whole number of milli-tokens; got 2.5',
    ]);
  });
});
