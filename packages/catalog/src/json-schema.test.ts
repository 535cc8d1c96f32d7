import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeModel } from './describe-model.ts';
import { inputSchema } from './json-schema.ts';
import { prepare } from './prepare.ts';
import { PriceUnavailableError } from './pricing.ts';
import { models } from './registry.ts';
import { imageEditor, steppedVideo } from './test-models.ts';
import type { FieldSpec, Json, MediaKind, ModelEntry } from './types.ts';

/** Strict mode, nothing registered: the schema must compile as any client would compile it. */
const compile = (schema: Record<string, Json>) =>
  new Ajv2020({ strict: true, allErrors: true }).compile(schema);

const GOOD_URI: Record<MediaKind, string[]> = {
  image: [
    'asset://asset_i1',
    'https://cdn.example.com/i.png',
    'data:image/png;base64,AAAA',
    'data:;base64,AA',
  ],
  video: ['asset://asset_v1', 'https://cdn.example.com/v.mp4?x=1', 'data:video/mp4;base64,AAAA'],
  audio: ['asset://asset_a1', 'https://cdn.example.com/a.mp3', 'data:audio/mpeg;base64,AAAA'],
};
const BAD_URI = [
  'ftp://x/y',
  'asset://bad',
  'https://',
  'https://u:p@x.com/a',
  'data:image/png;base64,!',
  '',
];
const SOME_URI = fc.constantFrom(...GOOD_URI.image, ...GOOD_URI.video, ...GOOD_URI.audio, ...BAD_URI);
const WRONG_TYPE = fc.constantFrom<Json>(null, 7, true, '7', [], {});

/** Values at, inside and across each edge of a field, of the right and the wrong type. */
function valuesFor(f: FieldSpec): fc.Arbitrary<Json> {
  switch (f.kind) {
    case 'enum':
      return fc.oneof(fc.constantFrom(...f.values), fc.constantFrom(`${f.values[0]} `, 'X'), WRONG_TYPE);
    case 'number':
      return fc.oneof(
        fc.integer({ min: -2, max: Math.round((f.max - f.min) / f.step) + 2 }).map((i) => f.min + i * f.step),
        fc.constantFrom(f.min + f.step / 2, f.min + f.step / 3, f.min + 1e-12),
        WRONG_TYPE,
      );
    case 'string': {
      const limit = f.maxLength ?? 50;
      const char = fc.constantFrom('a', 'я', '🎬', ' ', '\n');
      return fc.oneof(
        fc
          .constantFrom(limit - 1, limit, limit + 1)
          .chain((n) => fc.array(char, { minLength: n, maxLength: n }))
          .map((a) => a.join('')),
        fc.string({ maxLength: 12, unit: 'grapheme' }),
        fc.constantFrom('', '   ', '\t'),
        WRONG_TYPE,
      );
    }
    case 'boolean':
      return fc.oneof(fc.boolean(), WRONG_TYPE);
    case 'media': {
      const item = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...GOOD_URI[f.media]) },
        SOME_URI,
        WRONG_TYPE,
      );
      if (f.maxItems === undefined) return item;
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc.array(fc.constantFrom(...GOOD_URI[f.media]), { maxLength: f.maxItems + 1 }),
        },
        fc.array(item, { maxLength: f.maxItems + 1 }),
        WRONG_TYPE,
      );
    }
  }
}

/** Whether prepare finds the input valid; a variant without a price is not the schema's business. */
function acceptedByPrepare(model: ModelEntry, input: Record<string, Json>): boolean {
  try {
    return prepare(model, input).ok;
  } catch (error) {
    if (error instanceof PriceUnavailableError) return true;
    throw error;
  }
}

/** A valid example with up to four fields changed, removed or added, so each edge is tried beside valid neighbours. */
function inputsFor(model: ModelEntry): fc.Arbitrary<Record<string, Json>> {
  const change = fc.oneof(
    ...model.fields.map((f) => fc.tuple(fc.constant(f.name), fc.option(valuesFor(f), { nil: undefined }))),
    fc.tuple(fc.constantFrom('unknownField', 'variant'), fc.option(fc.constant<Json>(1), { nil: undefined })),
  );
  return fc.array(change, { maxLength: 4 }).map((changes) => {
    const input: Record<string, Json> = { ...model.exampleInput };
    for (const [name, value] of changes) {
      if (value === undefined) delete input[name];
      else input[name] = value;
    }
    return input;
  });
}

describe.each([...models, imageEditor, steppedVideo].map((m) => [m.id, m] as const))(
  'JSON Schema of %s',
  (_id, model) => {
    const schema = inputSchema(model);
    const validate = compile(schema);

    it('is a closed JSON Schema 2020-12 object that accepts the example', () => {
      expect(schema).toMatchObject({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        additionalProperties: false,
        required: model.fields.filter((f) => f.required).map((f) => f.name),
      });
      expect(validate(model.exampleInput)).toBe(true);
      expect(validate({ ...model.exampleInput, unknownField: 1 })).toBe(false);
    });

    it('agrees with prepare on accept and refuse for generated inputs', () => {
      fc.assert(
        fc.property(inputsFor(model), (input) => {
          const accepted = acceptedByPrepare(model, input);
          const valid = validate(input);
          if (valid !== accepted) {
            throw new Error(
              `schema ${valid}, prepare ${accepted}: ${JSON.stringify(input)} ${JSON.stringify(validate.errors)}`,
            );
          }
        }),
        { numRuns: 4000 },
      );
    });
  },
);

describe('inputSchema', () => {
  const kling = models.find((m) => m.id === 'kling-3.0-omni') as ModelEntry;
  const validate = compile(inputSchema(kling));
  const VID = 'asset://asset_v1';
  const IMG = 'asset://asset_i1';

  it('describes the kling fields with their limits and defaults', () => {
    const props = inputSchema(kling).properties as Record<string, Record<string, Json>>;
    expect(props.prompt).toMatchObject({ type: 'string', minLength: 1, maxLength: 2500 });
    expect(props.aspectRatio).toMatchObject({
      type: 'string',
      enum: ['9:16', '16:9', '1:1'],
      default: '9:16',
    });
    expect(props.duration).toMatchObject({ type: 'integer', minimum: 3, maximum: 15, default: 3 });
    expect(props.audioEnabled).toMatchObject({ type: 'boolean', default: true });
    expect(props.referenceAssetUris).toMatchObject({ type: 'array', maxItems: 7 });
    expect(props.referenceVideo?.anyOf).toHaveLength(3);
  });

  it('says the reference-video rules with if/then', () => {
    expect(validate({ prompt: 'p', referenceVideo: VID })).toBe(true);
    expect(validate({ prompt: 'p', referenceVideo: VID, audioEnabled: false })).toBe(true);
    expect(validate({ prompt: 'p', referenceVideo: VID, audioEnabled: true })).toBe(false);
    expect(validate({ prompt: 'p', audioEnabled: true, referenceAssetUris: Array(7).fill(IMG) })).toBe(true);
    expect(validate({ prompt: 'p', referenceVideo: VID, referenceAssetUris: Array(4).fill(IMG) })).toBe(true);
    expect(validate({ prompt: 'p', referenceVideo: VID, referenceAssetUris: Array(5).fill(IMG) })).toBe(
      false,
    );
  });

  it('writes ranges as integer, multipleOf or the listed values', () => {
    const video = inputSchema(steppedVideo).properties as Record<string, Record<string, Json>>;
    expect(video.duration).toMatchObject({ type: 'integer', minimum: 5, maximum: 10, multipleOf: 5 });
    expect(video.fps).toMatchObject({ type: 'integer', enum: [1, 4, 7] });
    const image = inputSchema(imageEditor).properties as Record<string, Record<string, Json>>;
    expect(image.strength).toMatchObject({ type: 'number', minimum: 0.25, maximum: 1, multipleOf: 0.25 });
    expect(image.prompt).not.toHaveProperty('maxLength');
    expect(image.sourceImage?.anyOf).toHaveLength(2);
  });

  it('is served inside the model description', () => {
    const d = describeModel(kling);
    expect(d.inputSchema).toEqual(inputSchema(kling));
  });
});
