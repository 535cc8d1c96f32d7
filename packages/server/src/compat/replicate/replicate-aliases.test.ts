import { findModel, type Json, prepare } from '@reelay/catalog';
import { describe, expect, it } from 'vitest';
import { REPLICATE_MODELS } from '../../providers/replicate/replicate-models.ts';
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
  it('name every model the Replicate provider runs, by the endpoint of its mapping', () => {
    expect(Object.fromEntries(REPLICATE_ALIASES.map((a) => [a.model, a.name]))).toEqual(
      Object.fromEntries(Object.entries(REPLICATE_MODELS).map(([model, m]) => [model, m?.endpoint])),
    );
    for (const alias of REPLICATE_ALIASES)
      expect(alias.mirrors).toBe(`providers/replicate/models/${alias.model}.ts`);
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

  /** The Reelay→Replicate mapping of the alias's model, applied to a Reelay input as the catalog prepares it. */
  function throughMapping(model: string, input: Record<string, unknown>): Record<string, Json> {
    const prepared = prepare(model, input);
    if (!prepared.ok) throw new Error(`${model}: ${JSON.stringify(prepared.errors)}`);
    const mapping = REPLICATE_MODELS[model as keyof typeof REPLICATE_MODELS];
    if (!mapping) throw new Error(`no Replicate mapping of ${model}`);
    const media = prepared.value.media.map((m) => ({
      field: m.field,
      index: m.index,
      kind: m.kind,
      assetId: 'asset_x',
      mediaType: m.kind === 'video' ? 'video/mp4' : 'image/png',
      path: '',
      bytes: 1,
      url: m.uri,
    }));
    return mapping.build({ model, mode: prepared.value.mode, input: prepared.value.input, media }).input;
  }

  /** A Replicate input of each alias that sets every field it can honour (some fields exclude others). */
  const FULL: Record<string, Record<string, Json>[]> = {
    'kwaivgi/kling-v3-omni-video': [
      { prompt: 'p', start_image: URL_A, generate_audio: true, mode: 'standard', duration: 4 },
      {
        prompt: 'p',
        reference_images: [URL_A, URL_B],
        reference_video: 'https://files.test/v.mp4',
        video_reference_type: 'feature',
        keep_original_sound: false,
        generate_audio: false,
        mode: 'pro',
        aspect_ratio: '1:1',
        duration: 5,
      },
    ],
    'google/nano-banana': [{ prompt: 'p', image_input: [URL_A], aspect_ratio: '4:3', output_format: 'png' }],
    'google/nano-banana-2': [
      {
        prompt: 'p',
        image_input: [URL_A, URL_B],
        aspect_ratio: '3:2',
        resolution: '2K',
        output_format: 'png',
      },
    ],
    'bytedance/seedream-4.5': [
      {
        prompt: 'p',
        image_input: [URL_A],
        size: '4K',
        aspect_ratio: '21:9',
        sequential_image_generation: 'disabled',
        max_images: 1,
      },
    ],
    'bytedance/seedream-5-lite': [
      {
        prompt: 'p',
        image_input: [URL_A],
        size: '3K',
        aspect_ratio: '16:9',
        sequential_image_generation: 'disabled',
        output_format: 'png',
      },
    ],
    'xai/grok-imagine-image': [
      { prompt: 'p', image: URL_A, n: 1 },
      { prompt: 'p', aspect_ratio: '2:3', n: 1 },
    ],
    'openai/gpt-image-2': [
      {
        prompt: 'p',
        input_images: [URL_A],
        aspect_ratio: '3:2',
        quality: 'high',
        number_of_images: 1,
        output_format: 'png',
      },
    ],
  };

  it('covers every alias field in the round trips below', () => {
    for (const alias of REPLICATE_ALIASES) {
      const sent = new Set((FULL[alias.name] ?? []).flatMap((input) => Object.keys(input)));
      expect([...sent].sort(), alias.name).toEqual(Object.keys(alias.fields).sort());
    }
  });

  for (const alias of REPLICATE_ALIASES) {
    it(`${alias.name}: Replicate's input → Reelay's → the provider's mapping gives Replicate's input back`, () => {
      for (const sent of FULL[alias.name] ?? []) {
        const { input, errors } = reelayInputOf(alias, sent);
        expect(errors).toEqual([]);
        const back = throughMapping(alias.model, input);
        for (const [name, value] of Object.entries(sent)) {
          // A field Reelay honours by what it always does may be left out by the mapping (its default upstream).
          if (back[name] === undefined && alias.fields[name]?.fills === null) continue;
          expect(back[name], `${alias.name} ${name}`).toEqual(value);
        }
      }
    });
  }
});
