import { findModel } from './registry.ts';
import type { ModelEntry, NormalisedInput, PriceOverrides, Quote, VariantPrice } from './types.ts';

/**
 * The chosen variant has no usable price (none in the table or the overrides, or not a positive whole number
 * of thousandths). The request must be refused, never run for free; the server answers it with a clear error.
 */
export class PriceUnavailableError extends Error {
  override name = 'PriceUnavailableError';
  constructor(
    readonly model: string,
    readonly variant: string,
  ) {
    super(`${model} has no price for its variant ${variant}; it cannot be quoted or run.`);
  }
}

const usable = (milliTokens: number) => Number.isSafeInteger(milliTokens) && milliTokens > 0;

/** The model's price table with operator overrides applied (an overridden price is no longer provisional). */
export function priceTable(model: ModelEntry, prices: PriceOverrides = {}): VariantPrice[] {
  const overrides = prices[model.id] ?? {};
  return model.pricing.variants.map((v) => {
    const override = overrides[v.variant];
    return override === undefined ? v : { ...v, milliTokens: override, provisional: false };
  });
}

/**
 * The cheapest usable price per unit, in milli-tokens: what a page shows as "from X tokens/s" or "from X tokens".
 * Informational rows (listed, never charged) do not count.
 */
export function fromPrice(table: readonly VariantPrice[], unit: VariantPrice['unit']): number | undefined {
  const amounts = table
    .filter((v) => v.unit === unit && !v.informational && usable(v.milliTokens))
    .map((v) => v.milliTokens);
  return amounts.length > 0 ? Math.min(...amounts) : undefined;
}

/** Tokens for a valid, defaulted input of `variant`. Throws PriceUnavailableError when it has no usable price. */
export function quoteFor(
  model: ModelEntry,
  input: NormalisedInput,
  variant: string,
  prices: PriceOverrides = {},
): Quote {
  const price = priceTable(model, prices).find((v) => v.variant === variant && !v.informational);
  if (!price || !usable(price.milliTokens)) throw new PriceUnavailableError(model.id, variant);
  if (price.unit === 'flat') return { tokens: price.milliTokens / 1000, milliTokens: price.milliTokens };
  const seconds = model.secondsField ? input[model.secondsField] : undefined;
  if (typeof seconds !== 'number' || !(seconds > 0)) throw new PriceUnavailableError(model.id, variant);
  const milliTokens = Math.round(price.milliTokens * seconds);
  return { tokens: milliTokens / 1000, milliTokens, tokensPerSecond: price.milliTokens / 1000, seconds };
}

/**
 * Problems with operator price overrides, as sentences (empty when all is well): unknown models or
 * variants (most likely typos that would otherwise be ignored) and prices that are not positive whole
 * numbers of milli-tokens. For the server to check its configuration at start-up.
 */
export function checkPriceOverrides(prices: PriceOverrides): string[] {
  return Object.entries(prices).flatMap(([id, table]) => {
    const model = findModel(id);
    if (!model) return [`prices name the model ${id}, which the catalog does not have`];
    // Informational rows are never charged, so an override of one would silently do nothing.
    const variants = model.pricing.variants.filter((v) => !v.informational).map((v) => v.variant);
    return Object.entries(table).flatMap(([variant, milliTokens]) => {
      if (!variants.includes(variant))
        return [`${id} has no variant ${variant}; its variants are ${variants.join(', ')}`];
      return usable(milliTokens)
        ? []
        : [
            `the price of ${id} ${variant} must be a positive whole number of milli-tokens; got ${milliTokens}`,
          ];
    });
  });
}
