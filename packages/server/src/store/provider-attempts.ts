import type { Queryable } from '../db/database.ts';
import { runSql, type Sql, sql } from '../db/sql.ts';
import type { ProviderAttempt } from '../generations/provider-attempts.ts';
import { readRow } from './row-reader.ts';

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

/** Start calls per provider and outcome, over the generations made since `since`. */
export async function attemptCountsSince(
  db: Queryable,
  since: Date,
): Promise<{ provider: string; outcome: string; n: number }[]> {
  const rows = await runSql(
    db,
    sql`SELECT a ->> 'provider' AS provider, a ->> 'outcome' AS outcome, count(*)::int AS n
     FROM generations g CROSS JOIN LATERAL jsonb_array_elements(g.provider_attempts) a
     WHERE g.created_at >= ${since} GROUP BY 1, 2`,
  );
  return rows.map((row) => {
    const r = readRow(row);
    return { provider: r.text('provider'), outcome: r.text('outcome'), n: r.number('n') };
  });
}

/** Seconds from start to completion of the generations each provider finished since `since`: median, p95. */
export async function runTimesSince(
  db: Queryable,
  since: Date,
): Promise<{ provider: string; median: number; p95: number; samples: number }[]> {
  const seconds = sql`EXTRACT(EPOCH FROM (completed_at - started_at))`;
  const rows = await runSql(
    db,
    sql`SELECT provider, count(*)::int AS samples,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY ${seconds}))::float8 AS median,
       (percentile_cont(0.95) WITHIN GROUP (ORDER BY ${seconds}))::float8 AS p95
     FROM generations
     WHERE created_at >= ${since} AND status = 'succeeded' AND provider IS NOT NULL
       AND started_at IS NOT NULL AND completed_at IS NOT NULL
     GROUP BY provider`,
  );
  return rows.map((row) => {
    const r = readRow(row);
    return {
      provider: r.text('provider'),
      median: r.number('median'),
      p95: r.number('p95'),
      samples: r.number('samples'),
    };
  });
}

/** A start call that carried an error. */
export interface AttemptError {
  provider: string;
  generationId: string;
  outcome: string;
  code: string;
  message: string;
  at: string;
}

/** The latest `perProvider` start calls with an error of each provider, since `since`, newest first. */
export async function latestAttemptErrors(
  db: Queryable,
  since: Date,
  perProvider: number,
): Promise<AttemptError[]> {
  const rows = await runSql(
    db,
    sql`SELECT * FROM (
       SELECT g.id AS generation_id, a ->> 'provider' AS provider, a ->> 'outcome' AS outcome,
         a -> 'error' ->> 'code' AS code, a -> 'error' ->> 'message' AS message, a ->> 'at' AS at,
         row_number() OVER (PARTITION BY a ->> 'provider' ORDER BY a ->> 'at' DESC, g.id DESC) AS rank
       FROM generations g CROSS JOIN LATERAL jsonb_array_elements(g.provider_attempts) a
       WHERE g.created_at >= ${since} AND jsonb_typeof(a -> 'error') = 'object'
     ) e WHERE rank <= ${perProvider} ORDER BY at DESC, generation_id DESC`,
  );
  return rows.map((row) => {
    const r = readRow(row);
    return {
      provider: r.text('provider'),
      generationId: r.text('generation_id'),
      outcome: r.text('outcome'),
      code: r.textOrNull('code') ?? 'unknown',
      message: r.textOrNull('message') ?? '',
      at: r.text('at'),
    };
  });
}
