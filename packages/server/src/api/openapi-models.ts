import { inputSchema, type Json, type ModelEntry, type ModelLifecycle } from '@reelay/catalog';

type Schema = Record<string, Json>;

const WEBHOOK_URL: Schema = {
  type: 'string',
  format: 'uri',
  description: 'An https URL told of every state change, signed with the Standard Webhooks headers.',
};

const PROVENANCE: Schema = {
  type: 'boolean',
  default: true,
  description:
    '`false`: store the outputs without a C2PA manifest. Refused (422) unless the gateway allows opting out (`REELAY_C2PA_ALLOW_OPT_OUT`).',
};

const RETENTION: Schema = {
  description:
    "How long the generation's outputs, and the inputs it stores from `data:` and `https:` URIs, are kept: whole seconds or an ISO-8601 duration in days, hours, minutes and seconds (`P7D`, `PT12H`), from 60 seconds to 365 days. Unset: the key's default, else the server's setting.",
  anyOf: [
    { type: 'integer', minimum: 60, maximum: 31_536_000 },
    {
      type: 'string',
      pattern: '^[Pp](\\d+[Dd])?([Tt](\\d+[Hh])?(\\d+[Mm])?(\\d+[Ss])?)?$',
      examples: ['P7D'],
    },
  ],
};

/** `kling-3.0-omni` → `Kling3_0Omni`: a component name that keeps the id's parts apart. */
export function componentBase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part, i, parts) => {
      const word = part.charAt(0).toUpperCase() + part.slice(1);
      const next = parts[i + 1];
      // Two numbers in a row (3, 0) would merge into 30; an underscore keeps 3.0 apart from 30.
      return /\d$/.test(word) && next !== undefined && /^\d/.test(next) ? `${word}_` : word;
    })
    .join('');
}

/**
 * A one-schema `anyOf` (a media field with a single URI scheme) folded into its parent: it means the same, and
 * OpenAPI linters refuse it as an illogical composition.
 */
function simplify(value: Json): Json {
  if (Array.isArray(value)) return value.map(simplify);
  if (value === null || typeof value !== 'object') return value;
  const out: Schema = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, simplify(v)]));
  const only = Array.isArray(out.anyOf) && out.anyOf.length === 1 ? out.anyOf[0] : undefined;
  if (
    only &&
    typeof only === 'object' &&
    !Array.isArray(only) &&
    Object.keys(only).every((k) => !(k in out))
  ) {
    const { anyOf: _a, ...rest } = out;
    return { ...rest, ...only };
  }
  return out;
}

/** The catalog's schema of a model's input, as a component (the `$schema`/`$id` of a standalone schema dropped). */
function inputComponent(model: ModelEntry): Schema {
  const { $schema: _s, $id: _i, ...schema } = inputSchema(model);
  return simplify(schema) as Schema;
}

/** `deprecated: true` and what to know, for a model on its way out (or gone); nothing for an active one. */
function deprecation(lifecycle: ModelLifecycle): Schema {
  if (lifecycle.status === 'active') return {};
  const until = lifecycle.shutdownAt ? ` It stops running on ${lifecycle.shutdownAt}.` : '';
  const instead = lifecycle.replacement ? ` Use ${lifecycle.replacement} instead.` : '';
  const what =
    lifecycle.status === 'retired'
      ? 'This model is retired: creates are refused with 410.'
      : 'This model is deprecated.';
  return { deprecated: true, description: `${what}${until}${instead}` };
}

/**
 * Per model: `<Name>Input` (its input schema) and `<Name>Request` (the envelope with `model` as a const), and
 * `GenerationRequest`, a `oneOf` over every model's request with a discriminator on `model`.
 */
export function modelSchemas(
  models: readonly ModelEntry[],
  lifecycleOf: (model: ModelEntry) => ModelLifecycle = (model) => model.lifecycle ?? { status: 'active' },
): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const mapping: Record<string, string> = {};
  for (const model of models) {
    const base = componentBase(model.id);
    if (`${base}Input` in out) throw new Error(`two models share the component name ${base}`);
    out[`${base}Input`] = inputComponent(model);
    out[`${base}Request`] = {
      type: 'object',
      title: `${model.title} request`,
      required: ['type', 'model', 'input'],
      additionalProperties: false,
      properties: {
        type: { type: 'string', const: model.type },
        model: { type: 'string', const: model.id },
        input: { $ref: `#/components/schemas/${base}Input` },
        webhookUrl: WEBHOOK_URL,
        retention: RETENTION,
        provenance: PROVENANCE,
      },
      examples: [{ type: model.type, model: model.id, input: model.exampleInput }],
      ...deprecation(lifecycleOf(model)),
    };
    mapping[model.id] = `#/components/schemas/${base}Request`;
  }
  out.GenerationRequest = {
    description: 'What to make: the model, its type and its input. One shape per model of the catalog.',
    oneOf: Object.values(mapping).map((r) => ({ $ref: r })),
    discriminator: { propertyName: 'model', mapping },
  };
  return out;
}
