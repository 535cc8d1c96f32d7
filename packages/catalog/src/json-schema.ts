import { SCHEME_PATTERNS } from './media-uri.ts';
import type { FieldSpec, Json, MediaField, ModelEntry, NumberField } from './types.ts';

const uriSchema = (f: MediaField): Record<string, Json> => ({
  type: 'string',
  anyOf: f.schemes.map((s) => ({ pattern: SCHEME_PATTERNS[s](f.media) })),
});

/** Ranges never list more values than this in an `enum`; beyond it the step is left to the API. */
const MAX_LISTED = 100;

/**
 * A range as JSON Schema: `integer` for whole steps from a whole minimum, `multipleOf` when the minimum is itself
 * a multiple of the step, and otherwise the values listed. Fractional steps use `multipleOf`, which some
 * validators judge with float error (0.3 is not a multiple of 0.1 to them); the API allows for that error.
 */
function rangeSchema(f: NumberField): Record<string, Json> {
  const whole = Number.isInteger(f.min) && Number.isInteger(f.step);
  const count = Math.floor((f.max - f.min) / f.step) + 1;
  const stepFromZero = Number.isInteger(f.min / f.step);
  const step: Record<string, Json> =
    whole && f.step === 1
      ? {}
      : stepFromZero
        ? { multipleOf: f.step }
        : count <= MAX_LISTED
          ? { enum: Array.from({ length: count }, (_, i) => f.min + i * f.step) }
          : {};
  return {
    type: whole ? 'integer' : 'number',
    minimum: f.min,
    maximum: f.max,
    ...step,
    ...(f.default !== undefined ? { default: f.default } : {}),
  };
}

function fieldSchema(f: FieldSpec): Record<string, Json> {
  const description = f.description.en;
  switch (f.kind) {
    case 'string':
      // `pattern: \S` refuses blank text, as the API does; lengths count code points in both.
      return {
        type: 'string',
        description,
        minLength: 1,
        ...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
        pattern: '\\S',
      };
    case 'enum':
      return {
        type: 'string',
        description,
        enum: [...f.values],
        ...(f.default !== undefined ? { default: f.default } : {}),
      };
    case 'number':
      return { description, ...rangeSchema(f) };
    case 'boolean':
      return { type: 'boolean', description, ...(f.default !== undefined ? { default: f.default } : {}) };
    case 'media':
      return f.maxItems !== undefined
        ? { type: 'array', description, items: uriSchema(f), maxItems: f.maxItems }
        : { ...uriSchema(f), description };
  }
}

/**
 * The JSON Schema (2020-12) of a model's input; it compiles in Ajv's strict mode with no extra keywords.
 * Cross-field rules appear in `allOf` as far as JSON Schema can say them (`if`/`then`). What it cannot say
 * is left to the API: https URLs it cannot parse (such as a port above 65535), and modes, variants and prices.
 * So the schema accepts everything the API accepts, and refuses nearly everything the API refuses.
 */
export function inputSchema(model: ModelEntry): Record<string, Json> {
  const rules = model.rules.flatMap((r) => (r.schema ? [r.schema] : []));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:reelay:models:${model.id}:input`,
    title: `${model.title} input`,
    description: model.description.en,
    type: 'object',
    properties: Object.fromEntries(model.fields.map((f) => [f.name, fieldSchema(f)])),
    required: model.fields.filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
    ...(rules.length > 0 ? { allOf: rules } : {}),
  };
}
