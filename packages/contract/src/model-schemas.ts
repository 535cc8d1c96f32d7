import { z } from 'zod';
import { jsonObject, MediaKind, ModelType, wholeNumber } from './wire-fields.ts';

/** Where a model stands; a deprecated one still runs, a retired one (or one past `shutdownAt`) is refused `410`. */
export const ModelLifecycle = z.strictObject({
  status: z.enum(['active', 'deprecated', 'retired']),
  deprecatedAt: z.string().optional().meta({ description: 'When it was deprecated (ISO 8601).' }),
  shutdownAt: z
    .string()
    .optional()
    .meta({ description: 'When it stops running (ISO 8601); creates are refused from then on.' }),
  replacement: z.string().optional().meta({ description: 'The model id to move to.' }),
});

/** A model in a list (`GET /api/v1/models`). */
export const ModelSummary = z.strictObject({
  id: z.string(),
  type: ModelType,
  title: z.string(),
  provider: z.string(),
  description: z.string(),
  fromTokensPerSecond: z.number().optional().meta({ description: 'The cheapest per-second price.' }),
  fromTokens: z.number().optional().meta({ description: 'The cheapest flat price.' }),
  modes: z.array(z.string()),
  capabilities: z.array(z.string()).meta({ description: 'What `?capability=` filters on.' }),
  lifecycle: ModelLifecycle,
});

/** `GET /api/v1/models`. */
export const ModelList = z.strictObject({ data: z.array(ModelSummary) });

/** One input field of a model. */
export const ModelField = z.strictObject({
  name: z.string(),
  label: z.string().meta({ description: 'In the asked `locale`; a scalar field’s label is its name.' }),
  type: z.enum(['string', 'number', 'boolean', 'array']),
  required: z.boolean(),
  default: z.unknown(),
  description: z.string(),
  enum: z.array(z.string()).optional(),
  minimum: z.number().optional(),
  maximum: z.number().optional(),
  step: z.number().optional(),
  unit: z.string().optional(),
  maxLength: wholeNumber.optional(),
  media: z
    .strictObject({
      kind: MediaKind,
      schemes: z.array(z.string()),
      maxItems: wholeNumber.optional(),
      accepts: jsonObject.optional().meta({ description: 'What the slot accepts: types, sizes, durations.' }),
    })
    .optional(),
});

/** One price row of a model. */
export const ModelPrice = z.strictObject({
  variant: z.string(),
  label: z.string().meta({ description: 'In the asked `locale` (`720p · Audio`, `720p · Con audio`).' }),
  unit: z.enum(['per_second', 'flat']),
  tokensPerSecond: z.number().optional(),
  tokens: z.number().optional(),
  default: z.literal(true).optional(),
  provisional: z.literal(true).optional(),
  informational: z.literal(true).optional().meta({ description: 'Listed, never chosen or charged.' }),
});

/** One media slot of a model. */
export const ModelSlot = z.strictObject({
  name: z.string(),
  kind: MediaKind,
  array: z.boolean(),
  maxItems: wholeNumber.optional(),
  required: z.boolean(),
});

/** `GET /api/v1/models/{id}`: a model in full, all a client needs to call it. */
export const ModelDescription = ModelSummary.extend({
  descriptions: z.record(z.string(), z.string()).meta({ description: 'The description in every locale.' }),
  fields: z.array(ModelField),
  inputSchema: jsonObject.meta({ description: 'JSON Schema 2020-12 of `input`.' }),
  pricing: z.array(ModelPrice),
  pricingNote: z.string().optional(),
  variantSelection: z.string(),
  rules: z.array(z.strictObject({ id: z.string(), description: z.string() })),
  slots: z.array(ModelSlot),
  exampleInput: jsonObject,
  notes: z.array(z.string()),
});
