import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatWithBiome,
  preparedValuesPath,
  preparedValuesSource,
} from '../scripts/prepared-values-source.ts';
import { models } from './registry.ts';

describe('prepared-values.ts', () => {
  it('is what `npm run generate:types` writes from the catalog now', () => {
    expect(readFileSync(preparedValuesPath(), 'utf8')).toBe(formatWithBiome(preparedValuesSource(models)));
  });
});
