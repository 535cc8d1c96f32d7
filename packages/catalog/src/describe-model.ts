import { inputSchema } from './json-schema.ts';
import { ACTIVE, type ModelLifecycle } from './lifecycle.ts';
import { fromPrice, priceTable } from './pricing.ts';
import { requireModel } from './registry.ts';
import type {
  FieldSpec,
  Json,
  Locale,
  LocalizedText,
  MediaAccepts,
  MediaKind,
  ModelEntry,
  ModelType,
  PriceOverrides,
  UriScheme,
  VariantPrice,
} from './types.ts';

export interface DescribeOptions {
  /** Language of `description`, field descriptions and labels, and price row labels; English by default. */
  locale?: Locale;
  /** Operator prices, which replace the table's. */
  prices?: PriceOverrides;
  /** The lifecycle of each model as the operator set it, which replaces the entry's. */
  lifecycle?: (model: ModelEntry) => ModelLifecycle;
}

/** A model in a list (GET /api/v1/models). */
export interface ModelSummary {
  id: string;
  type: ModelType;
  title: string;
  provider: string;
  description: string;
  /** The cheapest per-second price, for models priced by the second. */
  fromTokensPerSecond?: number;
  /** The cheapest flat price, for models priced per item. */
  fromTokens?: number;
  modes: readonly string[];
  /**
   * What the model can do as the reference lists it (what `?capability=` filters on): usually `modes`; a
   * model that runs one way but is listed under two (motion transfer) has both here.
   */
  capabilities: readonly string[];
  /** Where the model stands: active, deprecated (still runs) or retired (refused), with its replacement. */
  lifecycle: ModelLifecycle;
}

export interface FieldDescription {
  name: string;
  /** In the asked language; a scalar field's label is its name. */
  label: string;
  type: 'string' | 'number' | 'boolean' | 'array';
  required: boolean;
  default: Json;
  description: string;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  step?: number;
  unit?: string;
  maxLength?: number;
  media?: { kind: MediaKind; schemes: readonly UriScheme[]; maxItems?: number; accepts?: MediaAccepts };
}

export interface PriceDescription {
  variant: string;
  /** In the asked language (`720p · Audio`, `720p · Con audio`). */
  label: string;
  unit: VariantPrice['unit'];
  tokensPerSecond?: number;
  tokens?: number;
  default?: true;
  provisional?: true;
  /** Listed by the reference, never chosen or charged here (see `pricingNote`). */
  informational?: true;
}

export interface SlotDescription {
  name: string;
  kind: MediaKind;
  array: boolean;
  maxItems?: number;
  required: boolean;
}

/** A model in full (GET /api/v1/models/{id}): all a client needs to call it. */
export interface ModelDescription extends ModelSummary {
  descriptions: LocalizedText;
  fields: FieldDescription[];
  inputSchema: Json;
  pricing: PriceDescription[];
  pricingNote?: string;
  variantSelection: string;
  rules: { id: string; description: string }[];
  slots: SlotDescription[];
  exampleInput: Readonly<Record<string, Json>>;
  notes: readonly string[];
}

const VARIANT_SELECTION: LocalizedText = {
  en: 'The variant is picked automatically from the request fields; clients never send it.',
  es: 'La variante se elige automáticamente a partir de los campos de la solicitud; los clientes nunca la envían.',
  ru: 'Вариант выбирается автоматически по полям запроса; клиенты его не передают.',
};

function fieldJson(f: FieldSpec, locale: Locale): FieldDescription {
  const list = f.kind === 'media' && f.maxItems !== undefined;
  const type = list ? 'array' : f.kind === 'number' || f.kind === 'boolean' ? f.kind : 'string';
  return {
    name: f.name,
    label: f.label[locale],
    type,
    required: f.required,
    default: 'default' in f && f.default !== undefined ? f.default : null,
    description: f.description[locale],
    ...(f.kind === 'enum' ? { enum: f.values } : {}),
    ...(f.kind === 'number'
      ? { minimum: f.min, maximum: f.max, step: f.step, ...(f.unit ? { unit: f.unit } : {}) }
      : {}),
    ...(f.kind === 'string' && f.maxLength !== undefined ? { maxLength: f.maxLength } : {}),
    ...(f.kind === 'media'
      ? {
          media: {
            kind: f.media,
            schemes: f.schemes,
            ...(list ? { maxItems: f.maxItems } : {}),
            ...(f.accepts !== undefined ? { accepts: f.accepts } : {}),
          },
        }
      : {}),
  };
}

const priceJson = (v: VariantPrice, locale: Locale): PriceDescription => ({
  variant: v.variant,
  label: v.label[locale],
  unit: v.unit,
  ...(v.unit === 'per_second' ? { tokensPerSecond: v.milliTokens / 1000 } : { tokens: v.milliTokens / 1000 }),
  ...(v.isDefault ? { default: true } : {}),
  ...(v.provisional ? { provisional: true } : {}),
  ...(v.informational ? { informational: true } : {}),
});

const slotJson = (f: FieldSpec): SlotDescription[] =>
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
    : [];

/** A model in a list: who, what, from what price, which modes. Throws UnknownModelError for an unknown id. */
export function summarizeModel(model: string | ModelEntry, opts: DescribeOptions = {}): ModelSummary {
  const entry = requireModel(model);
  const table = priceTable(entry, opts.prices);
  const perSecond = fromPrice(table, 'per_second');
  const flat = fromPrice(table, 'flat');
  return {
    id: entry.id,
    type: entry.type,
    title: entry.title,
    provider: entry.provider,
    description: entry.description[opts.locale ?? 'en'],
    ...(perSecond !== undefined ? { fromTokensPerSecond: perSecond / 1000 } : {}),
    ...(flat !== undefined ? { fromTokens: flat / 1000 } : {}),
    modes: entry.modes,
    capabilities: entry.capabilities ?? entry.modes,
    lifecycle: opts.lifecycle?.(entry) ?? entry.lifecycle ?? ACTIVE,
  };
}

/**
 * Everything a client needs to call a model: fields, JSON Schema, prices (overrides applied), modes, slots,
 * rules and an example, with texts in `opts.locale`. Throws UnknownModelError for an unknown id.
 */
export function describeModel(model: string | ModelEntry, opts: DescribeOptions = {}): ModelDescription {
  const entry = requireModel(model);
  const locale = opts.locale ?? 'en';
  return {
    ...summarizeModel(entry, opts),
    descriptions: entry.description,
    fields: entry.fields.map((f) => fieldJson(f, locale)),
    inputSchema: inputSchema(entry),
    pricing: priceTable(entry, opts.prices).map((v) => priceJson(v, locale)),
    ...(entry.pricing.note ? { pricingNote: entry.pricing.note[locale] } : {}),
    variantSelection: VARIANT_SELECTION[locale],
    rules: entry.rules.map((r) => ({ id: r.id, description: r.description[locale] })),
    slots: entry.fields.flatMap(slotJson),
    exampleInput: entry.exampleInput,
    notes: entry.notes ?? [],
  };
}
