import { backoffMs } from '../backoff.ts';

/**
 * Milliseconds to wait after the `attempt`-th failed delivery (1-based): the gateway's backoff with a tenth of
 * jitter, so that many failed deliveries do not retry in lockstep. With a 30 s base and a 6 h cap, retries keep
 * going for the whole 3-day window at widening steps.
 */
export function webhookBackoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  return backoffMs(attempt - 1, { baseMs, maxMs, jitter: 0.1, random });
}
