export { describeModel, summarizeModel } from './describe-model.ts';
export { field } from './fields.ts';
export { inputSchema } from './json-schema.ts';
export { checkMediaUri } from './media-uri.ts';
export { prepare } from './prepare.ts';
export { PriceUnavailableError, priceTable, quoteFor } from './pricing.ts';
export { findModel, models } from './registry.ts';
export type * from './types.ts';
