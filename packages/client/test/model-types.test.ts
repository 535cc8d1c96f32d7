import { readFileSync } from 'node:fs';
import { models } from '@reelay/catalog';
import { describe, expect, it } from 'vitest';
import {
  deprecationOf,
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

  it('mark a model the catalog deprecates or retires @deprecated, with its dates and replacement', () => {
    const [first, second] = models;
    if (!first || !second) throw new Error('the catalog has fewer than two models');
    const deprecated = {
      ...first,
      lifecycle: {
        status: 'deprecated' as const,
        deprecatedAt: '2026-11-01',
        shutdownAt: '2027-03-01',
        replacement: second.id,
      },
    };
    const retired = { ...second, lifecycle: { status: 'retired' as const, replacement: first.id } };
    const source = modelTypesSource([deprecated, retired]);
    const note = `@deprecated Deprecated. Since 2026-11-01. Shuts down 2027-03-01. Use ${second.id} instead.`;
    // On the input type and on the model's entry in ModelInputs.
    expect(source.split(note)).toHaveLength(3);
    expect(source).toContain(`@deprecated Retired: refused with 410 model_retired. Use ${first.id} instead.`);
    expect(source).toContain(`/** ${note} */\n  '${first.id}': {`);
    // Models in service carry none.
    expect(deprecationOf(first)).toBeNull();
    expect(modelTypesSource([first])).not.toContain('@deprecated');
  });
});
