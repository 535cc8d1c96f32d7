import { describe, expect, it } from 'vitest';
import { parseRetention } from './parse-retention.ts';

describe('parseRetention', () => {
  it.each([
    [3600, 3600],
    ['PT1H', 3600],
    ['P7D', 604_800],
    ['p1dt12h30m', 131_400],
    ['PT90M', 5400],
    ['PT60S', 60],
    ['P365D', 31_536_000],
  ])('reads %j as %i seconds', (value, seconds) => {
    expect(parseRetention(value, 'retention')).toEqual({ seconds });
  });

  it.each([['1h'], ['P1Y'], ['P1M'], ['P'], ['PT'], [1.5], [null], [true], [{ seconds: 60 }], ['P1W']])(
    'refuses %j, naming the field',
    (value) => {
      const r = parseRetention(value, 'retention');
      expect(r).toEqual({ error: expect.objectContaining({ param: 'retention', code: 'invalid_type' }) });
    },
  );

  it.each([[59], ['PT59S'], ['P366D'], [0], [-60]])('refuses %j as out of range', (value) => {
    const r = parseRetention(value, 'defaultRetention');
    expect(r).toEqual({
      error: expect.objectContaining({ param: 'defaultRetention', code: 'out_of_range' }),
    });
  });
});
