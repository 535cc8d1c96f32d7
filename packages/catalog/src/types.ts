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
  | 'rule_violation';

/** A media reference found in a validated input, for the server to resolve and check against its slot. */
export interface MediaRef {
  /** `input.referenceAssetUris[0]` */
  param: string;
  field: string;
  index: number | null;
  kind: MediaKind;
  scheme: UriScheme;
  uri: string;
}

/** Price of one variant, in thousandths of a token (integers avoid float drift: 6.4 tokens/s → 6400). */
export interface VariantPrice {
  variant: string;
  /** Human label as the reference shows it, e.g. `720p · Audio`. */
  label: string;
  unit: 'per_second' | 'flat';
  milliTokens: number;
  isDefault?: boolean;
  provisional?: boolean;
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
