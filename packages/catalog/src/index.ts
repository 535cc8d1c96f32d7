export {
  type DescribeOptions,
  describeModel,
  type FieldDescription,
  type ModelDescription,
  type ModelSummary,
  type PriceDescription,
  type SlotDescription,
  summarizeModel,
} from './describe-model.ts';
export { excludes, needs, needsOneOf } from './field-rules.ts';
export { field } from './fields.ts';
export { inputSchema } from './json-schema.ts';
export {
  FIELD_LABELS,
  joinLabels,
  MODE_LABELS,
  modeLabel,
  numbered,
  SLOT_LABELS,
  sameText,
  VARIANT_WORDS,
} from './labels.ts';
export {
  ACTIVE,
  effectiveStatus,
  type LifecycleStatus,
  lifecycleDate,
  type ModelLifecycle,
} from './lifecycle.ts';
export { checkMediaUri } from './media-uri.ts';
export { prepare } from './prepare.ts';
export type * from './prepared-values.ts';
export { checkPriceOverrides, fromPrice, PriceUnavailableError, priceTable, quoteFor } from './pricing.ts';
export { findModel, models, requireModel, UnknownModelError } from './registry.ts';
export { holds, whenGiven } from './rule-schema.ts';
export type * from './types.ts';
export { holdsLoneSurrogate } from './validate-fields.ts';
