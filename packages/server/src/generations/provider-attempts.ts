import type { ProviderAttempt as WireAttempt } from '@reelay/contract';

/**
 * One call that asked an upstream to start a generation. `requested` is written before the call goes
 * out; then `accepted` (the upstream took it), `rejected` (it did not, and will not from this provider),
 * `deferred` (not now: rate limit or a transient error, tried again later), `unknown` (the answer was
 * lost), and once the work ends, `succeeded` or `failed`.
 */
export interface ProviderAttempt {
  seq: number;
  provider: string;
  upstreamId: string | null;
  outcome: 'requested' | 'accepted' | 'rejected' | 'deferred' | 'unknown' | 'succeeded' | 'failed';
  error: { code: string; message: string } | null;
  at: string;
}

/** The attempts as the generation JSON shows them. */
export function attemptsJson(attempts: readonly ProviderAttempt[]): WireAttempt[] {
  return attempts.map((a) => ({
    provider: a.provider,
    upstreamId: a.upstreamId,
    outcome: a.outcome,
    error: a.error,
    at: a.at,
  }));
}
