import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import { readRow } from './row-reader.ts';

/** What `/metrics` reads from the database when it is scraped, shared by every process. */
export interface OperatorGauges {
  /** Jobs due now that no worker holds. */
  queueDue: number;
  /** Seconds since the longest-waiting of those became due (0 when none is). */
  oldestDueSeconds: number;
  /** Jobs of every kind: due, held by a worker, or due later. */
  jobs: number;
  /** Provider slots held by queued or running generations, per provider. */
  slotsInUse: Record<string, number>;
  /** Tokens held (thousandths) per mode. */
  heldMilli: Record<string, number>;
  /** Bytes of stored assets per source (upload, data, output). */
  storedBytes: Record<string, number>;
}

/**
 * The gauges of {@link OperatorGauges} in one statement, read at scrape time only (never on a request's path).
 * It reads several tables, so it lives in a file of its own rather than in one table's.
 */
export async function readOperatorGauges(db: Queryable): Promise<OperatorGauges> {
  const rows = await runSql(
    db,
    sql`SELECT
       (SELECT count(*)::int FROM jobs
         WHERE run_at <= now() AND (locked_until IS NULL OR locked_until < now())) AS queue_due,
       (SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(run_at)), 0)::float8 FROM jobs
         WHERE run_at <= now() AND (locked_until IS NULL OR locked_until < now())) AS oldest_due_seconds,
       (SELECT count(*)::int FROM jobs) AS jobs,
       (SELECT COALESCE(jsonb_object_agg(provider, n), '{}'::jsonb) FROM (
         SELECT s.provider, count(*)::int AS n FROM provider_slots s JOIN generations g ON g.id = s.generation_id
         WHERE g.status IN ('queued', 'running') GROUP BY s.provider) slots) AS slots_in_use,
       (SELECT COALESCE(jsonb_object_agg(mode, held), '{}'::jsonb) FROM (
         SELECT mode, sum(held_milli)::float8 AS held FROM token_balances GROUP BY mode) held) AS held_milli,
       (SELECT COALESCE(jsonb_object_agg(source, bytes), '{}'::jsonb) FROM (
         SELECT source, sum(bytes)::float8 AS bytes FROM assets GROUP BY source) stored) AS stored_bytes`,
  );
  const row = rows[0];
  if (!row) throw new Error('the gauges statement returned no row');
  const r = readRow(row);
  return {
    queueDue: r.number('queue_due'),
    oldestDueSeconds: r.number('oldest_due_seconds'),
    jobs: r.number('jobs'),
    slotsInUse: r.json<Record<string, number>>('slots_in_use'),
    heldMilli: r.json<Record<string, number>>('held_milli'),
    storedBytes: r.json<Record<string, number>>('stored_bytes'),
  };
}
