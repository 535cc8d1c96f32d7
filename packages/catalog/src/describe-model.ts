import { inputSchema } from './json-schema.ts';
import { priceTable } from './pricing.ts';
import type { FieldSpec, Json, Locale, ModelEntry, PriceOverrides, VariantPrice } from './types.ts';

interface DescribeOptions {
  locale?: Locale;
  prices?: PriceOverrides;
}

const FIELD_TYPES: Record<FieldSpec['kind'], string> = {
  string: 'string',
  enum: 'string',
  number: 'number',
  boolean: 'boolean',
  media: 'string',
};

function fieldJson(f: FieldSpec, locale: Locale) {
  const list = f.kind === 'media' && f.maxItems !== undefined;
  return {
    name: f.name,
    label: f.label,
    type: list ? 'array' : FIELD_TYPES[f.kind],
    required: f.required,
    default: 'default' in f && f.default !== undefined ? f.default : null,
    description: f.description[locale],
    ...(f.kind === 'enum' ? { enum: f.values } : {}),
    ...(f.kind === 'number'
      ? { minimum: f.min, maximum: f.max, step: f.step, ...(f.unit ? { unit: f.unit } : {}) }
      : {}),
    ...(f.kind === 'string' && f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
    ...(f.kind === 'media'
      ? { media: { kind: f.media, schemes: f.schemes, ...(list ? { maxItems: f.maxItems } : {}) } }
      : {}),
  };
}

const priceJson = (v: VariantPrice) => ({
  variant: v.variant,
  label: v.label,
  unit: v.unit,
  ...(v.unit === 'per_second' ? { tokensPerSecond: v.milliTokens / 1000 } : { tokens: v.milliTokens / 1000 }),
  ...(v.isDefault ? { default: true } : {}),
  ...(v.provisional ? { provisional: true } : {}),
});

/** The cheapest price, as the reference shows it: "from X tokens/s" or "from X tokens". */
function fromPrice(table: VariantPrice[]) {
  const perSecond = table.filter((v) => v.unit === 'per_second').map((v) => v.milliTokens);
  const flat = table.filter((v) => v.unit === 'flat').map((v) => v.milliTokens);
  return {
    ...(perSecond.length ? { fromTokensPerSecond: Math.min(...perSecond) / 1000 } : {}),
    ...(flat.length ? { fromTokens: Math.min(...flat) / 1000 } : {}),
  };
}

/** A model in a list: who, what, from what price, which modes. */
export function summarizeModel(model: ModelEntry, opts: DescribeOptions = {}) {
  const locale = opts.locale ?? 'en';
  return {
    id: model.id,
    type: model.type,
    title: model.title,
    provider: model.provider,
    description: model.description[locale],
    ...fromPrice(priceTable(model, opts.prices)),
    modes: model.modes,
    capabilities: model.modes,
  };
}

/** Everything a client needs to call a model: fields, JSON Schema, prices, modes, slots, an example. */
export function describeModel(model: ModelEntry, opts: DescribeOptions = {}) {
  const locale = opts.locale ?? 'en';
  const table = priceTable(model, opts.prices);
  return {
    ...summarizeModel(model, opts),
    descriptions: model.description,
    fields: model.fields.map((f) => fieldJson(f, locale)),
    inputSchema: inputSchema(model) as Json,
    pricing: table.map(priceJson),
    ...(model.pricing.note ? { pricingNote: model.pricing.note[locale] } : {}),
    variantSelection: 'The variant is picked automatically from the request fields; clients never send it.',
    rules: model.rules.map((r) => ({ id: r.id, description: r.description[locale] })),
    slots: model.fields.flatMap((f) =>
      f.kind === 'media'
        ? [
            {
              name: f.name,
              kind: f.media,
              array: f.maxItems !== undefined,
              ...(f.maxItems !== undefined ? { maxItems: f.maxItems } : {}),
              required: f.required,
            },
          ]
        : [],
    ),
    exampleInput: model.exampleInput,
    notes: model.notes ?? [],
  };
}
