import { findModel, type Json } from '@reelay/catalog';
import { describe, expect, it } from 'vitest';
import { REPLICATE_MODELS } from '../../providers/replicate/replicate-request.ts';
import { type AliasField, aliasFieldOf, REPLICATE_ALIASES, reelayInputOf } from './replicate-aliases.ts';

const URL_A = 'https://files.test/a.png';
const URL_B = 'https://files.test/b.png';

/** A value Replicate could send for the field, and what Reelay should receive for it. */
function samples(field: AliasField): [Json, Json][] {
  if (field.values) return Object.entries(field.values).map(([from, to]) => [from, to]);
  switch (field.type) {
    case 'uri':
      return [[URL_A, field.asList ? [URL_A] : URL_A]];
    case 'uri[]':
      return [
        [
          [URL_A, URL_B],
          [URL_A, URL_B],
        ],
      ];
    case 'integer':
      return [[7, 7]];
    case 'boolean':
      return [
        [true, true],
        [false, false],
      ];
    default:
      return [['a value', 'a value']];
  }
}

describe('the Replicate aliases', () => {
  it('name every model the Replicate provider runs, by the same Replicate name', () => {
    expect(Object.fromEntries(REPLICATE_ALIASES.map((a) => [a.model, a.name]))).toEqual(REPLICATE_MODELS);
  });

  for (const alias of REPLICATE_ALIASES) {
    describe(alias.name, () => {
      const model = findModel(alias.model);
      const reelayFields = new Set(model?.fields.map((f) => f.name));

      it('fills only fields of its catalog model', () => {
        expect(model).toBeDefined();
        for (const field of Object.values(alias.fields)) {
          if (field.fills !== null) expect(reelayFields).toContain(field.fills);
        }
      });

      for (const [name, field] of Object.entries(alias.fields)) {
        it(`maps ${name}`, () => {
          if (field.fills === null) {
            // A field that fills nothing passes only with what Reelay does anyway, and is named otherwise.
            for (const value of field.only ?? []) {
              const ok = reelayInputOf(alias, { prompt: 'p', [name]: value });
              expect(ok.errors).toEqual([]);
              expect(ok.input).toEqual(reelayInputOf(alias, { prompt: 'p' }).input);
            }
            const refused = reelayInputOf(alias, { prompt: 'p', [name]: 'something else' });
            expect(refused.errors.map((e) => e.param)).toEqual([`input.${name}`]);
            return;
          }
          for (const [given, expected] of samples(field)) {
            const { input, errors } = reelayInputOf(alias, { [name]: given });
            expect(errors).toEqual([]);
            expect(input[field.fills]).toEqual(expected);
            expect(aliasFieldOf(alias, field.fills)).toBeDefined();
          }
          if (field.values) {
            const refused = reelayInputOf(alias, { [name]: 'not-a-value' });
            expect(refused.errors.map((e) => e.param)).toEqual([`input.${name}`]);
          }
        });
      }

      it("applies Replicate's defaults for fields left out, and refuses unknown fields by name", () => {
        const { input, errors } = reelayInputOf(alias, { prompt: 'p' });
        expect(errors).toEqual([]);
        for (const field of Object.values(alias.fields)) {
          if (field.default === undefined || field.fills === null) continue;
          const expected = field.values ? field.values[field.default as string] : field.default;
          expect(input[field.fills]).toEqual(expected);
        }
        const unknown = reelayInputOf(alias, { prompt: 'p', seed: 1 });
        expect(unknown.errors.map((e) => e.param)).toEqual(['input.seed']);
      });
    });
  }

  it('takes a Kling start_image as the single reference image, and not together with reference_images', () => {
    const kling = REPLICATE_ALIASES.find((a) => a.name === 'kwaivgi/kling-v3-omni-video');
    if (!kling) throw new Error('no kling alias');
    expect(reelayInputOf(kling, { prompt: 'p', start_image: URL_A }).input.referenceAssetUris).toEqual([
      URL_A,
    ]);
    const both = reelayInputOf(kling, { prompt: 'p', start_image: URL_A, reference_images: [URL_B] });
    expect(both.errors.map((e) => e.param)).toEqual(['input.start_image']);
    const ends = reelayInputOf(kling, { prompt: 'p', end_image: URL_A, multi_prompt: '[]' });
    expect(ends.errors.map((e) => e.param)).toEqual(['input.end_image', 'input.multi_prompt']);
  });
});
