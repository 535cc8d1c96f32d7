import { readFileSync } from 'node:fs';
import { models } from '@reelay/catalog';
import { describe, expect, it } from 'vitest';
import {
  formatWithBiome,
  modelTypesPath,
  modelTypesSource,
  typeBase,
} from '../scripts/model-types-source.ts';

describe('generated model input types', () => {
  it('match the catalog (run `npm run generate:types` when this fails)', () => {
    const expected = formatWithBiome(modelTypesSource(models));
    expect(readFileSync(modelTypesPath(), 'utf8')).toBe(expected);
  });

  it('name every model and field of the catalog', () => {
    const source = modelTypesSource(models);
    for (const model of models) {
      expect(source).toContain(`export interface ${typeBase(model.id)}Input {`);
      expect(source).toContain(`'${model.id}': { type: '${model.type}'`);
      for (const f of model.fields) expect(source).toMatch(new RegExp(`\\n  ${f.name}\\??: `));
    }
    expect(typeBase('kling-3.0-omni')).toBe('Kling3_0Omni');
  });
});
