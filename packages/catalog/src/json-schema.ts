import { SCHEME_PATTERNS } from './media-uri.ts';
import type { FieldSpec, Json, MediaField, ModelEntry } from './types.ts';

const uriSchema = (f: MediaField): Record<string, Json> => ({
  type: 'string',
  anyOf: f.schemes.map((s) => ({ pattern: SCHEME_PATTERNS[s](f.media) })),
});

function fieldSchema(f: FieldSpec): Record<string, Json> {
  const description = f.description.en;
  switch (f.kind) {
    case 'string':
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
    case 'number': {
      const integral = Number.isInteger(f.step) && Number.isInteger(f.min);
      return {
        type: integral ? 'integer' : 'number',
        description,
        minimum: f.min,
        maximum: f.max,
        ...(integral && f.step === 1 ? {} : { multipleOf: f.step }),
        ...(f.default !== undefined ? { default: f.default } : {}),
        ...(f.unit ? { 'x-unit': f.unit } : {}),
      };
    }
    case 'boolean':
      return { type: 'boolean', description, ...(f.default !== undefined ? { default: f.default } : {}) };
    case 'media': {
      const media = { kind: f.media, schemes: [...f.schemes] };
      return f.maxItems !== undefined
        ? { type: 'array', description, items: uriSchema(f), maxItems: f.maxItems, 'x-media': media }
        : { ...uriSchema(f), description, 'x-media': media };
    }
  }
}

/**
 * The JSON Schema (2020-12) of a model's input. Cross-field rules appear as `allOf` where JSON Schema can
 * say them; what it cannot (modes, prices) the API enforces and documents.
 */
export function inputSchema(model: ModelEntry): Record<string, Json> {
  const rules = model.rules.flatMap((r) => (r.schema ? [r.schema] : []));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://reelay.dev/schemas/models/${model.id}/input.json`,
    title: `${model.title} input`,
    type: 'object',
    properties: Object.fromEntries(model.fields.map((f) => [f.name, fieldSchema(f)])),
    required: model.fields.filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
    ...(rules.length > 0 ? { allOf: rules } : {}),
  };
}
