import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import type { GenerationRecord } from '../generations/generation-record.ts';
import { generationFromRow } from './generations.ts';
import { readRow } from './row-reader.ts';

/** NOTIFY channel that wakes workers when a job is enqueued. */
export const JOBS_CHANNEL = 'reelay_jobs';

/** What a worker's look for work found. */
export interface JobClaim {
  /** The generation of the job claimed; null when none was due. */
  generation: GenerationRecord | null;
  /** With a claim: whether another job was due besides it (another loop is then sent to look). */
  moreDue: boolean;
  /** Without a claim: ms until the next job is due (0 when one is, held by another worker); null when there is none. */
  msUntilNext: number | null;
}

/**
 * Claims one due job under a lease (FOR UPDATE SKIP LOCKED, so concurrent workers never claim the same job) and reads
 * its generation as committed now, in one call (`reelay_claim_job`, migration 018); a job whose lease lapsed (its
 * worker died) is due again. The same statement says what the worker's next move needs: after a claim, whether another job
 * is due (so a second loop is sent only when there is work for it: looking for none cost two statements); without
 * one, when the next job is due (the wait before looking again, which was a statement of its own). Each question is
 * asked only in its own case, so a claim never scans the jobs.
 */
export async function claimNextJob(db: Queryable, workerId: string, leaseSeconds: number): Promise<JobClaim> {
  const rows = await runSql(
    db,
    sql`SELECT c.*,
         CASE WHEN c.id IS NOT NULL THEN EXISTS (
           SELECT 1 FROM jobs j WHERE j.run_at <= clock_timestamp()
             AND (j.locked_until IS NULL OR j.locked_until < clock_timestamp()) AND j.generation_id <> c.id)
         END AS more_due,
         CASE WHEN c.id IS NULL THEN (
           SELECT (EXTRACT(EPOCH FROM (min(GREATEST(run_at, COALESCE(locked_until, run_at))) - clock_timestamp())) * 1000)::float8
           FROM jobs)
         END AS next_due_ms
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL reelay_claim_job(${workerId}, ${leaseSeconds}::float8) AS c ON true`,
  );
  const row = rows[0];
  if (!row) throw new Error('the claim statement answered no row');
  if (row.id !== null && row.id !== undefined) {
    return { generation: generationFromRow(row), moreDue: row.more_due === true, msUntilNext: null };
  }
  const ms = readRow(row).numberOrNull('next_due_ms');
  return { generation: null, moreDue: false, msUntilNext: ms === null ? null : Math.max(0, ms) };
}

/**
 * Hands a claimed job back to be picked up again after `delayMs`. One due now is announced on the jobs
 * channel in the same statement, so a waiting worker takes it without waiting for its timer.
 */
export async function rescheduleJob(
  db: Queryable,
  generationId: string,
  workerId: string,
  delayMs: number,
): Promise<void> {
  const delay = sql`${delayMs / 1000}::float8`;
  await runSql(
    db,
    sql`WITH handed AS (
       UPDATE jobs SET run_at = clock_timestamp() + make_interval(secs => ${delay}), locked_by = NULL,
         locked_until = NULL
       WHERE generation_id = ${generationId} AND locked_by = ${workerId} RETURNING generation_id)
     SELECT pg_notify(${JOBS_CHANNEL}, generation_id) FROM handed WHERE ${delay} <= 0`,
  );
}

/** Extends the lease of a job this worker still holds. */
export async function renewLease(
  db: Queryable,
  generationId: string,
  workerId: string,
  leaseSeconds: number,
): Promise<void> {
  await runSql(
    db,
    sql`UPDATE jobs SET locked_until = clock_timestamp() + make_interval(secs => ${leaseSeconds})
     WHERE generation_id = ${generationId} AND locked_by = ${workerId}`,
  );
}

export async function deleteJob(db: Queryable, generationId: string): Promise<void> {
  await runSql(db, sql`DELETE FROM jobs WHERE generation_id = ${generationId}`);
}

/** Makes a generation's job due now (a worker then finds it ended, or asks its upstream at once). */
export async function makeJobDue(db: Queryable, generationId: string): Promise<void> {
  await runSql(db, sql`UPDATE jobs SET run_at = clock_timestamp() WHERE generation_id = ${generationId}`);
}

/** Tells waiting workers of a job (inside a transaction: when it commits). */
export async function notifyJobs(db: Queryable, generationId: string): Promise<void> {
  await runSql(db, sql`SELECT pg_notify(${JOBS_CHANNEL}, ${generationId})`);
}

/**
 * Makes the jobs of unfinished generations with an attempt on `provider` that has `upstreamId` due now, and
 * tells the workers; returns whether there was one.
 */
export async function makeDueByUpstreamId(
  db: Queryable,
  provider: string,
  upstreamId: string,
): Promise<boolean> {
  const rows = await runSql(
    db,
    sql`UPDATE jobs SET run_at = clock_timestamp()
     WHERE generation_id IN (
       SELECT id FROM generations
       WHERE provider_attempts @> ${JSON.stringify([{ provider, upstreamId }])}::jsonb AND status IN ('queued', 'running'))
     RETURNING generation_id`,
  );
  for (const row of rows) await notifyJobs(db, readRow(row).text('generation_id'));
  return rows.length > 0;
}

/** Generations waiting and running over every account, the oldest of each, and jobs due that no worker holds. */
export interface QueueCounts {
  queued: number;
  running: number;
  oldestQueuedAt: Date | null;
  oldestQueuedSeconds: number | null;
  oldestRunningAt: Date | null;
  dueJobs: number;
}

export async function queueCounts(db: Queryable): Promise<QueueCounts> {
  const rows = await runSql(
    db,
    sql`SELECT count(*) FILTER (WHERE status = 'queued')::int AS queued,
       count(*) FILTER (WHERE status = 'running')::int AS running,
       min(created_at) FILTER (WHERE status = 'queued') AS oldest_queued_at,
       (EXTRACT(EPOCH FROM clock_timestamp() - min(created_at) FILTER (WHERE status = 'queued')))::float8 AS oldest_queued_seconds,
       min(started_at) FILTER (WHERE status = 'running') AS oldest_running_at,
       (SELECT count(*)::int FROM jobs WHERE run_at <= clock_timestamp()
          AND (locked_until IS NULL OR locked_until < clock_timestamp())) AS due_jobs
     FROM generations WHERE status IN ('queued', 'running')`,
  );
  const r = readRow(rows[0] ?? {});
  return {
    queued: r.number('queued'),
    running: r.number('running'),
    oldestQueuedAt: r.dateOrNull('oldest_queued_at'),
    oldestQueuedSeconds: r.numberOrNull('oldest_queued_seconds'),
    oldestRunningAt: r.dateOrNull('oldest_running_at'),
    dueJobs: r.number('due_jobs'),
  };
}
