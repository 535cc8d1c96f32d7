import type { Quote } from '@reelay/catalog';

/** Delivered media this much shorter than asked is still charged in full (container rounding). */
const TOLERANCE_SECONDS = 0.05;

/**
 * What a finished generation is charged, in thousandths of a token, never more than its hold. Per-second
 * prices charge the seconds delivered when a provider delivers less than asked; flat prices charge the hold.
 */
export function chargeMilli(quote: Quote, holdMilli: number, deliveredSeconds: number | undefined): number {
  const { tokensPerSecond, seconds } = quote;
  if (tokensPerSecond === undefined || seconds === undefined || deliveredSeconds === undefined)
    return holdMilli;
  if (deliveredSeconds >= seconds - TOLERANCE_SECONDS) return holdMilli;
  return Math.min(holdMilli, Math.max(0, Math.round(tokensPerSecond * 1000 * deliveredSeconds)));
}
