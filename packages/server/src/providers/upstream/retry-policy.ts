import { backoffMs as exponentialBackoffMs } from '../../backoff.ts';
import type { UpstreamError } from './upstream-error.ts';

/** Limits of the retry policy; the defaults suit video jobs that run for minutes. */
export interface RetryLimits {
  /** First backoff delay; doubles each attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Server errors and timeouts tolerated in a row before the generation fails. */
  maxTransientRetries: number;
  /** Rate or concurrency refusals waited out before the generation fails. */
  maxRateRetries: number;
}

export const DEFAULT_RETRY_LIMITS: RetryLimits = {
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxTransientRetries: 8,
  maxRateRetries: 120,
};

/**
 * What to do after a failed upstream call:
 * - `retry` the same call after `delayMs`;
 * - `failover` to the next provider of the route (the upstream did not take the work), or, when there is
 *   none, retry after `retryDelayMs` (null: fail);
 * - `unknown`: the request may have started work upstream; it must not be sent anywhere again blindly;
 * - `fail` the generation.
 */
export type RetryDecision =
  | { action: 'retry'; delayMs: number }
  | { action: 'failover'; retryDelayMs: number | null }
  | { action: 'unknown' }
  | { action: 'fail' };

/** The wait before the n-th retry (0-based) of an upstream call: the gateway's backoff with these limits. */
export function backoffMs(retry: number, limits: RetryLimits = DEFAULT_RETRY_LIMITS): number {
  return exponentialBackoffMs(retry, { baseMs: limits.baseDelayMs, maxMs: limits.maxDelayMs });
}

/**
 * Reads Retry-After (delta seconds or an HTTP date, RFC 9110 §10.2.3) as milliseconds from `nowMs`;
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * The one retry policy of all upstream calls. `phase` is `start` for the call that submits work and
 * `status` for every later call about work the upstream already took; `retry` counts earlier retries
 * of this phase for this generation.
 */
export function decide(
  error: UpstreamError,
  phase: 'start' | 'status',
  retry: number,
  limits: RetryLimits = DEFAULT_RETRY_LIMITS,
): RetryDecision {
  const wait = () => Math.max(error.details.retryAfterMs ?? 0, backoffMs(retry, limits));
  if (phase === 'status') {
    // Work the upstream took is never given up on by a count: while the upstream cannot be asked (or will
    // not answer), its outcome is unknown, and only the reconcile window (a setting) ends the asking.
    switch (error.kind) {
      case 'rate':
      case 'connection':
      case 'server':
      case 'timeout':
      case 'malformed':
      case 'auth':
      case 'balance':
        return { action: 'retry', delayMs: wait() };
      default:
        return { action: 'fail' };
    }
  }
  if (error.kind === 'rate') {
    return retry < limits.maxRateRetries ? { action: 'retry', delayMs: wait() } : { action: 'fail' };
  }
  const transient = retry < limits.maxTransientRetries;
  switch (error.kind) {
    case 'auth':
    case 'balance':
      return { action: 'failover', retryDelayMs: null };
    case 'connection':
    case 'server':
      return { action: 'failover', retryDelayMs: transient ? wait() : null };
    case 'timeout':
    case 'malformed':
      return { action: 'unknown' };
    default:
      return { action: 'fail' };
  }
}
