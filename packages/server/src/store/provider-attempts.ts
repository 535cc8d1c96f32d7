import type { Queryable } from '../db/database.ts';
import { runSql, type Sql, sql } from '../db/sql.ts';
import type { ProviderAttempt } from '../generations/provider-attempts.ts';

/** What an attempt's outcome record may change. */
export type AttemptPatch = Partial<Pick<ProviderAttempt, 'outcome' | 'upstreamId' | 'error'>>;

/** Records the outcome of attempt `seq` (1-based) of a generation. */
export async function setAttemptOutcome(
  db: Queryable,
  generationId: string,
  seq: number,
  patch: AttemptPatch,
): Promise<void> {
  const n = sql`${seq}::int`;
  await runSql(
    db,
    sql`UPDATE generations SET provider_attempts = jsonb_set(provider_attempts, ARRAY[(${n} - 1)::text],
       (provider_attempts -> (${n} - 1)) || ${JSON.stringify(patch)}::jsonb)
     WHERE id = ${generationId} AND jsonb_array_length(provider_attempts) >= ${n}`,
  );
}

/**
 * A SET item of an UPDATE of `generations` doing what `setAttemptOutcome` does, so the outcome can be
 * written in the same statement as other changes: `seq` is the attempt (1-based; none when out of range).
 */
export function attemptOutcomeSet(seq: number, patch: AttemptPatch): Sql {
  const n = sql`${seq}::int`;
  return sql`provider_attempts = CASE WHEN ${n} >= 1 AND jsonb_array_length(provider_attempts) >= ${n}
      THEN jsonb_set(provider_attempts, ARRAY[(${n} - 1)::text],
        (provider_attempts -> (${n} - 1)) || ${JSON.stringify(patch)}::jsonb)
      ELSE provider_attempts END`;
}
