import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY_LIMITS, decide, parseRetryAfter } from './retry-policy.ts';
import { UpstreamError, type UpstreamErrorKind } from './upstream-error.ts';

const err = (kind: UpstreamErrorKind, retryAfterMs?: number) =>
  new UpstreamError(kind, kind, retryAfterMs === undefined ? {} : { retryAfterMs });

describe('retry policy', () => {
  it('doubles the backoff up to its cap', () => {
    expect([0, 1, 2, 3].map((n) => backoffMs(n))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(30)).toBe(DEFAULT_RETRY_LIMITS.maxDelayMs);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-03-29T12:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter('Sun, 29 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 29 Mar 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('waits out rate limits on the same provider, honouring Retry-After over a shorter backoff', () => {
    expect(decide(err('rate', 7000), 'start', 0)).toEqual({ action: 'retry', delayMs: 7000 });
    expect(decide(err('rate', 500), 'start', 3)).toEqual({ action: 'retry', delayMs: 8000 });
    expect(decide(err('rate'), 'status', 0)).toEqual({ action: 'retry', delayMs: 1000 });
    expect(decide(err('rate'), 'start', DEFAULT_RETRY_LIMITS.maxRateRetries)).toEqual({ action: 'fail' });
  });

  it('fails over on submit when the upstream did not take the work', () => {
    expect(decide(err('auth'), 'start', 0)).toEqual({ action: 'failover', retryDelayMs: null });
    expect(decide(err('balance'), 'start', 0)).toEqual({ action: 'failover', retryDelayMs: null });
    expect(decide(err('server'), 'start', 1)).toEqual({ action: 'failover', retryDelayMs: 2000 });
    expect(decide(err('connection'), 'start', 0)).toEqual({ action: 'failover', retryDelayMs: 1000 });
    expect(decide(err('server'), 'start', DEFAULT_RETRY_LIMITS.maxTransientRetries)).toEqual({
      action: 'failover',
      retryDelayMs: null,
    });
  });

  it('never sends a submit that may have arrived anywhere else', () => {
    expect(decide(err('timeout'), 'start', 0)).toEqual({ action: 'unknown' });
    expect(decide(err('malformed'), 'start', 0)).toEqual({ action: 'unknown' });
  });

  it('refuses bad input and content outright', () => {
    for (const kind of ['invalid', 'content', 'not_found'] as const) {
      expect(decide(err(kind), 'start', 0)).toEqual({ action: 'fail' });
      expect(decide(err(kind), 'status', 0)).toEqual({ action: 'fail' });
    }
  });

  it('keeps asking about work the upstream took, whatever the count; refuses only a verdict', () => {
    for (const kind of ['server', 'connection', 'timeout', 'malformed', 'auth', 'balance'] as const) {
      expect(decide(err(kind), 'status', 2)).toEqual({ action: 'retry', delayMs: 4000 });
    }
    expect(decide(err('server'), 'status', DEFAULT_RETRY_LIMITS.maxTransientRetries + 5)).toEqual({
      action: 'retry',
      delayMs: DEFAULT_RETRY_LIMITS.maxDelayMs,
    });
    expect(decide(err('rate'), 'status', DEFAULT_RETRY_LIMITS.maxRateRetries + 1).action).toBe('retry');
    expect(decide(err('expired'), 'status', 0)).toEqual({ action: 'fail' });
  });
});
