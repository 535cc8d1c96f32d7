import type { Queryable } from '../db/database.ts';

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
 * written in the same statement as other changes: `$seqParam` is the attempt (1-based; none when out
 * of range), `$patchParam` the JSON of the patch.
 */
export function attemptOutcomeSet(seqParam: number, patchParam: number): string {
  const seq = `$${seqParam}::int`;
  return `provider_attempts = CASE WHEN ${seq} >= 1 AND jsonb_array_length(provider_attempts) >= ${seq}
      THEN jsonb_set(provider_attempts, ARRAY[(${seq} - 1)::text],
        (provider_attempts -> (${seq} - 1)) || $${patchParam}::jsonb)
      ELSE provider_attempts END`;
}

/** The attempts as the generation JSON shows them. */
export function attemptsJson(attempts: readonly ProviderAttempt[]) {
  return attempts.map((a) => ({
    provider: a.provider,
    upstreamId: a.upstreamId,
    outcome: a.outcome,
    error: a.error,
    at: a.at,
  }));
}
