/**
 * Milliseconds to wait after the `attempt`-th failed attempt (1-based): `baseMs` doubled each time, at most
 * `maxMs`, with a jitter of up to a tenth so that many failed deliveries do not retry in lockstep.
 * With a 30 s base and a 6 h cap, retries keep going for the whole 3-day window at widening steps.
 */
export function webhookBackoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const plain = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(plain * (1 + 0.1 * random()));
}
