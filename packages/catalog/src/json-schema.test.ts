import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeModel } from './describe-model.ts';
import { inputSchema } from './json-schema.ts';
import { prepare } from './prepare.ts';
import { models } from './registry.ts';
import type { Json } from './types.ts';

function compile(schema: Record<string, Json>) {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  ajv.addKeyword('x-media');
  ajv.addKeyword('x-unit');
  return ajv.compile(schema);
}

/** Values near and across each field's edges, plus wrong types. */
const anyValue = fc.oneof(
  fc.constantFrom('9:16', '16:9', '1:1', '4:3', '720p', '1080p', '4k', '', ' ', 'x'),
  fc.constantFrom(2, 3, 3.5, 7, 15, 16, -1, 0),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(
    'asset://asset_a1',
    'https://example.com/v.mp4',
    'data:video/mp4;base64,AAAA',
    'data:image/png;base64,AAAA',
    'ftp://x',
    'asset://bad',
  ),
  fc.array(fc.constantFrom('asset://asset_a1', 'https://example.com/i.png', 'data:image/jpeg;base64,AA'), {
    maxLength: 9,
  }),
  fc.array(fc.constantFrom('asset://asset_a1', 'https://example.com/i.png', 'nope', 3), { maxLength: 3 }),
  fc.string({ maxLength: 30 }),
);

describe.each(models.map((m) => [m.id, m] as const))('JSON Schema of %s', (_id, model) => {
  const schema = inputSchema(model);
  const validate = compile(schema);

  it('is a valid JSON Schema 2020-12 that closes the object', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.additionalProperties).toBe(false);
    expect(validate(model.exampleInput)).toBe(true);
  });

  it('agrees with the validator on generated inputs', () => {
    const names = [...model.fields.map((f) => f.name), 'unknownField'];
    // A valid example with up to three fields changed or removed, so each edge is tried beside valid neighbours.
    const base = { ...model.exampleInput, prompt: 'a test prompt' };
    const changes = fc.dictionary(fc.constantFrom(...names), fc.option(anyValue, { nil: undefined }), {
      maxKeys: 3,
    });
    const inputs = changes.map((c) =>
      Object.fromEntries(Object.entries({ ...base, ...c }).filter(([, v]) => v !== undefined)),
    );
    fc.assert(
      fc.property(inputs, (input) => {
        const accepted = prepare(model.id, input).ok;
        expect(validate(input), `${JSON.stringify(input)} ${JSON.stringify(validate.errors)}`).toBe(accepted);
      }),
      { numRuns: 3000 },
    );
  });

  it('is served inside the model description with every field, variant and slot', () => {
    const d = describeModel(model);
    expect(d.inputSchema).toEqual(schema);
    expect(d.fields.map((f) => f.name)).toEqual(model.fields.map((f) => f.name));
    expect(d.pricing.map((p) => p.variant)).toEqual(model.pricing.variants.map((v) => v.variant));
  });
});
