import type { ProviderAttempt as WireAttempt } from '@reelay/contract';
import type { Queryable } from '../db/database.ts';
import { type Sql, sql } from '../db/sql.ts';

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

/** Records the outcome of attempt `seq` (1-based) of a generation. */
export async function setAttemptOutcome(
  db: Queryable,
  generationId: string,
  seq: number,
  patch: Partial<Pick<ProviderAttempt, 'outcome' | 'upstreamId' | 'error'>>,
): Promise<void> {
  await db.query(
    `UPDATE generations SET provider_attempts = jsonb_set(provider_attempts, ARRAY[($2::int - 1)::text],
       (provider_attempts -> ($2::int - 1)) || $3::jsonb)
     WHERE id = $1 AND jsonb_array_length(provider_attempts) >= $2::int`,
    [generationId, seq, JSON.stringify(patch)],
  );
}

/**
 * A SET item of an UPDATE of `generations` doing what `setAttemptOutcome` does, so the outcome can be
 * written in the same statement as other changes: `seq` is the attempt (1-based; none when out of range).
 */
export function attemptOutcomeSet(
  seq: number,
  patch: Partial<Pick<ProviderAttempt, 'outcome' | 'upstreamId' | 'error'>>,
): Sql {
  const n = sql`${seq}::int`;
  return sql`provider_attempts = CASE WHEN ${n} >= 1 AND jsonb_array_length(provider_attempts) >= ${n}
      THEN jsonb_set(provider_attempts, ARRAY[(${n} - 1)::text],
        (provider_attempts -> (${n} - 1)) || ${JSON.stringify(patch)}::jsonb)
      ELSE provider_attempts END`;
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
