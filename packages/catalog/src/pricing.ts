import type { ModelEntry, NormalisedInput, PriceOverrides, Quote, VariantPrice } from './types.ts';

/** A variant has no price: the request must be refused, never run for free. */
export class PriceUnavailableError extends Error {
  override name = 'PriceUnavailableError';
  constructor(
    readonly model: string,
    readonly variant: string,
  ) {
    super(`${model} has no price for its variant ${variant}; it cannot be quoted or run.`);
  }
}

/** The model's price table with operator overrides applied. */
export function priceTable(model: ModelEntry, prices: PriceOverrides = {}): VariantPrice[] {
  const overrides = prices[model.id] ?? {};
  return model.pricing.variants.map((v) => {
    const override = overrides[v.variant];
    return override === undefined ? v : { ...v, milliTokens: override, provisional: false };
  });
}

/** Tokens for a valid, defaulted input of `variant`. Throws PriceUnavailableError when it has no price. */
export function quoteFor(
  model: ModelEntry,
  input: NormalisedInput,
  variant: string,
  prices: PriceOverrides = {},
): Quote {
  const price = priceTable(model, prices).find((v) => v.variant === variant);
  if (!price || !Number.isInteger(price.milliTokens) || price.milliTokens <= 0)
    throw new PriceUnavailableError(model.id, variant);
  if (price.unit === 'flat') return { tokens: price.milliTokens / 1000, milliTokens: price.milliTokens };
  const seconds = model.secondsField ? input[model.secondsField] : undefined;
  if (typeof seconds !== 'number') throw new PriceUnavailableError(model.id, variant);
  const milliTokens = Math.round(price.milliTokens * seconds);
  return { tokens: milliTokens / 1000, milliTokens, tokensPerSecond: price.milliTokens / 1000, seconds };
}
