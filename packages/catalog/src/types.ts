import type { ModelLifecycle } from './lifecycle.ts';
/** Core types of the catalog. Pure data: no I/O anywhere in this package. */

export type ModelType = 'video' | 'image' | 'audio';
export type MediaKind = 'image' | 'video' | 'audio';
export type UriScheme = 'asset' | 'https' | 'data';
export type Locale = 'en' | 'es' | 'ru';
export type LocalizedText = Readonly<Record<Locale, string>>;

/** A JSON value as it crosses the wire. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The normalised input of a model: defaults applied, only known fields. */
export type NormalisedInput = Readonly<Record<string, Json>>;

/** One field error. `param` is a path such as `input.duration` or `input.referenceAssetUris[3]`. */
export interface FieldError {
  param: string;
  code: FieldErrorCode;
  message: string;
}

export type FieldErrorCode =
  | 'required'
  | 'invalid_type'
  | 'too_long'
  | 'too_short'
  | 'not_allowed'
  | 'out_of_range'
  | 'not_on_step'
  | 'too_many_items'
  | 'unknown_field'
  | 'invalid_uri'
  | 'rule_violation'
  | 'invalid_value';

/** A media reference found in a validated input, for the server to resolve and check against its slot. */
export interface MediaRef {
  /** `input.referenceAssetUris[0]` */
  param: string;
  field: string;
  index: number | null;
  kind: MediaKind;
  scheme: UriScheme;
  uri: string;
  /** The slot's constraints on the file, when it declares any. */
  accepts?: MediaAccepts;
}

/** Price of one variant, in thousandths of a token (integers avoid float drift: 6.4 tokens/s → 6400). */
export interface VariantPrice {
  variant: string;
  /** Human label as the reference shows it (`720p · Audio`), in every language. */
  label: LocalizedText;
  unit: 'per_second' | 'flat';
  milliTokens: number;
  /** The variant a request with every default gets; exactly one row of a table has it. */
  isDefault?: boolean;
  provisional?: boolean;
  /**
   * A row the reference lists although no request field selects it (its meaning is unpublished). It is shown
   * so the table is complete, but never quoted and never a "from" price.
   */
  informational?: boolean;
}

/** Operator overrides, model id → variant → milli-tokens (per second or flat, as the variant's unit). */
export type PriceOverrides = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface Quote {
  /** Tokens as a decimal number (milliTokens / 1000). */
  tokens: number;
  milliTokens: number;
  tokensPerSecond?: number;
  seconds?: number;
}

export interface PreparedRequest {
  model: string;
  type: ModelType;
  input: NormalisedInput;
  mode: string;
  variant: string;
  quote: Quote;
  media: MediaRef[];
}

export type PrepareResult = { ok: true; value: PreparedRequest } | { ok: false; errors: FieldError[] };

/** How a field is declared (see fields.ts for the builders). */
export type FieldSpec = StringField | EnumField | NumberField | BooleanField | MediaField;

interface FieldBase {
  name: string;
  /** Shown label in every language; scalar fields are labelled by their name. */
  label: LocalizedText;
  description: LocalizedText;
  required: boolean;
}

export interface StringField extends FieldBase {
  kind: 'string';
  /** Unset when the reference publishes no limit. */
  maxLength?: number;
}

export interface EnumField extends FieldBase {
  kind: 'enum';
  values: readonly string[];
  default?: string;
}

export interface NumberField extends FieldBase {
  kind: 'number';
  min: number;
  max: number;
  step: number;
  unit?: string;
  default?: number;
}

export interface BooleanField extends FieldBase {
  kind: 'boolean';
  default?: boolean;
}

export interface MediaField extends FieldBase {
  kind: 'media';
  media: MediaKind;
  schemes: readonly UriScheme[];
  /** Set for array slots: at most this many items. */
  maxItems?: number;
  /** What each file in the slot must be (checked on the stored file before tokens are held). */
  accepts?: MediaAccepts;
}

/**
 * What a media slot accepts, as the upstream publishes it. Every bound is inclusive; an unset one is not
 * checked. Sides are in pixels, sizes in bytes, aspect ratios as width ÷ height.
 */
export interface MediaAccepts {
  /** Media types decided from the bytes (`image/png`, `video/quicktime`). */
  mediaTypes?: readonly string[];
  maxBytes?: number;
  /** Width and height each within these bounds. */
  side?: { min?: number; max?: number };
  aspectRatio?: { min: number; max: number };
  durationSeconds?: { min: number; max: number };
  fps?: { min: number; max: number };
}

/**
 * A cross-field rule. `apply` sees the input after field checks and defaults (`given` holds the names the
 * client sent); it may settle dependent defaults in `input` and returns the errors it finds.
 * `schema` expresses what JSON Schema can (an `if/then`), for the published input schema.
 */
export interface Rule {
  id: string;
  description: LocalizedText;
  apply(input: Record<string, Json>, given: ReadonlySet<string>): FieldError[];
  schema?: Record<string, Json>;
}

export interface ModelPricing {
  variants: readonly VariantPrice[];
  /** Why prices are what they are (e.g. provisional), shown on the model page. */
  note?: LocalizedText;
}

/** One catalog entry: everything about a model, as data plus small pure functions. */
export interface ModelEntry {
  id: string;
  type: ModelType;
  title: string;
  provider: string;
  description: LocalizedText;
  fields: readonly FieldSpec[];
  rules: readonly Rule[];
  modes: readonly string[];
  /**
   * The capability list as the reference shows it, when it differs from `modes` (a motion-transfer model is
   * listed under both image_to_video and video_to_video but runs one way). Defaults to `modes`.
   */
  capabilities?: readonly string[];
  /** The mode of a valid, defaulted input (from the slots it fills). */
  selectMode(input: NormalisedInput): string;
  pricing: ModelPricing;
  /** The variant of a valid, defaulted input. */
  selectVariant(input: NormalisedInput): string;
  /** The field holding the billed seconds for per-second prices. */
  secondsField?: string;
  /**
   * Where a video's sound comes from, when not simply from `audioEnabled` (on: native audio; off or no such
   * field: silent). `always`: sound is always made and there is no switch. `source`: no new audio is made;
   * `audioEnabled` keeps the source video's own sound.
   */
  audio?: 'always' | 'source';
  exampleInput: Readonly<Record<string, Json>>;
  /** Choices made where the reference is unclear, said plainly. */
  notes?: readonly string[];
  /** Where the model stands (deprecated, retired, its replacement); unset: active. Operators override it. */
  lifecycle?: ModelLifecycle;
}
