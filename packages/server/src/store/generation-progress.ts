import type { Json } from '@reelay/catalog';
import type { Database, Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import type { GenerationOutput, GenerationRecord } from '../generations/generation-record.ts';
import { insertAssetsWhen, type NewAsset } from './assets.ts';
import { generationFromRow } from './generations.ts';
import { deleteJob } from './jobs.ts';
import { captureWith, release } from './ledger.ts';
import { type AttemptPatch, attemptOutcomeSet } from './provider-attempts.ts';
import { readRow } from './row-reader.ts';

/** The changes a worker makes to a generation as it drives it, each one statement (or one transaction). */

/** Now, as the ISO timestamps of the attempt log and `reconciling.since` spell it. */
const NOW_ISO = sql`to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The upstream answered: no longer reconciling, unless a stop (deadline, cancel) is still being settled. */
const ANSWERED = sql`reconciling = CASE WHEN stop_requested IS NULL THEN NULL ELSE reconciling END`;

/**
 * Marks the generation `running` and appends a `requested` attempt on `provider`, before the call goes out;
 * the attempt's `seq`, or null when it ended or was started meanwhile.
 */
export async function recordStartRequested(
  db: Queryable,
  id: string,
  provider: string,
): Promise<number | null> {
  const p = sql`${provider}`;
  const rows = await runSql(
    db,
    sql`UPDATE generations SET status = 'running', started_at = COALESCE(started_at, clock_timestamp()),
       start_requested_at = clock_timestamp(), attempts = attempts + 1, provider = ${p},
       provider_attempts = provider_attempts || jsonb_build_array(jsonb_build_object(
         'seq', jsonb_array_length(provider_attempts) + 1, 'provider', ${p}::text, 'upstreamId', NULL,
         'outcome', 'requested', 'error', NULL, 'at', ${NOW_ISO}))
     WHERE id = ${id} AND status IN ('queued', 'running') AND operation IS NULL
     RETURNING jsonb_array_length(provider_attempts) AS seq`,
  );
  return rows[0] ? readRow(rows[0]).number('seq') : null;
}

/**
 * Stores the operation an upstream answered a start with, its warnings and attempt `seq`'s outcome, in one
 * statement; the generation as stored, or null when it already had an operation.
 */
export async function storeStarted(
  db: Queryable,
  s: {
    id: string;
    operation: Json;
    warnings: readonly { code: string; message: string }[];
    seq: number;
    outcome: AttemptPatch;
  },
): Promise<GenerationRecord | null> {
  const rows = await runSql(
    db,
    sql`UPDATE generations SET operation = ${JSON.stringify(s.operation)},
       warnings = warnings || ${JSON.stringify(s.warnings)}::jsonb,
       provider_retries = 0, ${ANSWERED}, ${attemptOutcomeSet(s.seq, s.outcome)}
     WHERE id = ${s.id} AND operation IS NULL RETURNING *`,
  );
  return rows[0] ? generationFromRow(rows[0]) : null;
}

/** Stores an operation found upstream (a start whose answer was lost), unless one is stored already. */
export async function storeFoundOperation(db: Queryable, id: string, operation: Json): Promise<void> {
  await runSql(
    db,
    sql`UPDATE generations SET operation = ${JSON.stringify(operation)}, provider_retries = 0, ${ANSWERED}
     WHERE id = ${id} AND operation IS NULL`,
  );
}

/** Counts one more upstream call that failed in a row. */
export async function countProviderRetry(db: Queryable, id: string): Promise<void> {
  await runSql(db, sql`UPDATE generations SET provider_retries = provider_retries + 1 WHERE id = ${id}`);
}

/** An upstream call went through: the count of failures in a row starts again, and the outcome is known. */
export async function resetProviderRetries(db: Queryable, id: string): Promise<void> {
  await runSql(db, sql`UPDATE generations SET provider_retries = 0, ${ANSWERED} WHERE id = ${id}`);
}

/**
 * The outcome of the generation's upstream work is unknown (an answer lost, the upstream unreachable): records
 * why, keeping since when it has been unknown, and counts the failed call. A stop being settled keeps its reason.
 */
export async function markReconciling(
  db: Queryable,
  id: string,
  why: { code: string; message: string },
): Promise<void> {
  await runSql(
    db,
    sql`UPDATE generations SET provider_retries = provider_retries + 1,
       reconciling = CASE WHEN stop_requested IS NOT NULL AND reconciling IS NOT NULL THEN reconciling
         ELSE jsonb_build_object('code', ${why.code}::text, 'message', ${why.message}::text,
           'since', COALESCE(reconciling ->> 'since', ${NOW_ISO})) END
     WHERE id = ${id}`,
  );
}

/** The upstream was sent its cancel for a stop (deadline or cancel); it is not sent again. */
export async function markStopSent(db: Queryable, id: string): Promise<void> {
  await runSql(db, sql`UPDATE generations SET stop_sent_at = clock_timestamp() WHERE id = ${id}`);
}

/** An output URL had expired: it is asked of the upstream once more. */
export async function countOutputRefresh(db: Queryable, id: string): Promise<void> {
  await runSql(db, sql`UPDATE generations SET output_refreshes = output_refreshes + 1 WHERE id = ${id}`);
}

/** The upstream's progress (0..1) of a running generation. */
export async function setProgress(db: Queryable, id: string, progress: number): Promise<void> {
  await runSql(
    db,
    sql`UPDATE generations SET progress = ${progress} WHERE id = ${id} AND status = ${'running'}`,
  );
}

/** Drops the operation of a failed step so the next one starts again, with a warning saying why. */
export async function clearOperationForRetry(
  db: Queryable,
  id: string,
  warning: { code: string; message: string },
): Promise<void> {
  await runSql(
    db,
    sql`UPDATE generations SET operation = NULL, warnings = warnings || ${JSON.stringify([warning])}::jsonb WHERE id = ${id}`,
  );
}

/**
 * Marks a running generation succeeded with its outputs, inserts the outputs' asset rows (their files already
 * stored), records attempt `seq` succeeded, captures `chargeMilli` of its hold and deletes its job, in one
 * statement: all of it commits or none. False when it was no longer running (canceled or failed meanwhile):
 * no asset row is inserted then, and its job is kept for the step that sees it as it now is.
 */
export async function recordSucceeded(
  db: Queryable,
  g: GenerationRecord,
  seq: number,
  outputs: readonly GenerationOutput[],
  chargeMilli: number,
  assets: readonly NewAsset[] = [],
): Promise<boolean> {
  const target = { accountId: g.accountId, mode: g.runMode, keyId: g.keyId };
  const id = sql`${g.id}`;
  const rows = await runSql(
    db,
    sql`WITH done AS (
       UPDATE generations SET status = 'succeeded', outputs = ${JSON.stringify(outputs)}, charged_milli = ${chargeMilli}, progress = 1,
         reconciling = NULL, completed_at = clock_timestamp(), ${attemptOutcomeSet(seq, { outcome: 'succeeded' })}
       WHERE id = ${id} AND status = 'running' RETURNING id),
     job AS (DELETE FROM jobs WHERE generation_id = ${id} AND EXISTS (SELECT 1 FROM done)),
     ${insertAssetsWhen(assets, sql`done`)},
     ${captureWith(target, g.id, g.holdMilli, chargeMilli, sql`done`)}
     SELECT count(*)::int AS done FROM done`,
  );
  return rows[0] ? readRow(rows[0]).number('done') > 0 : false;
}

/**
 * A canceled generation whose upstream had already finished when the cancel reached it: its outputs and their
 * asset rows are recorded, attempt `seq` succeeded, `chargedMilli` of its hold captured, its error says why it is
 * charged, and its job is deleted, in one statement. False when it was not waiting on that settlement.
 */
export async function recordCanceledCharged(
  db: Queryable,
  g: GenerationRecord,
  seq: number,
  outputs: readonly GenerationOutput[],
  chargedMilli: number,
  assets: readonly NewAsset[],
  error: { code: string; message: string },
): Promise<boolean> {
  const target = { accountId: g.accountId, mode: g.runMode, keyId: g.keyId };
  const id = sql`${g.id}`;
  const rows = await runSql(
    db,
    sql`WITH done AS (
       UPDATE generations SET outputs = ${JSON.stringify(outputs)}, charged_milli = ${chargedMilli},
         error = ${JSON.stringify(error)}, reconciling = NULL, ${attemptOutcomeSet(seq, { outcome: 'succeeded' })}
       WHERE id = ${id} AND status = 'canceled' AND reconciling IS NOT NULL RETURNING id),
     job AS (DELETE FROM jobs WHERE generation_id = ${id} AND EXISTS (SELECT 1 FROM done)),
     ${insertAssetsWhen(assets, sql`done`)},
     ${captureWith(target, g.id, g.holdMilli, chargedMilli, sql`done`)}
     SELECT count(*)::int AS done FROM done`,
  );
  return rows[0] ? readRow(rows[0]).number('done') > 0 : false;
}

/**
 * A canceled generation whose upstream work stopped, failed or cannot be found out: its hold is released and its job
 * deleted, in one transaction; `note`, when given, is added to its error message.
 */
export async function releaseCanceled(db: Database, g: GenerationRecord, note?: string): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await runSql(
      tx,
      sql`UPDATE generations SET reconciling = NULL,
         error = CASE WHEN ${note ?? null}::text IS NULL THEN error
           ELSE jsonb_set(error, '{message}', to_jsonb((error ->> 'message') || ' ' || ${note ?? null}::text)) END
       WHERE id = ${g.id} AND status = 'canceled' AND reconciling IS NOT NULL RETURNING id`,
    );
    if (rows.length > 0)
      await release(tx, { accountId: g.accountId, mode: g.runMode, keyId: g.keyId }, g.id, g.holdMilli);
    await deleteJob(tx, g.id);
  });
}

/** Marks a queued or running generation failed, releases its hold and deletes its job, in one transaction. */
export async function recordFailed(
  db: Database,
  g: GenerationRecord,
  error: { code: string; message: string },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await runSql(
      tx,
      sql`UPDATE generations SET status = 'failed', error = ${JSON.stringify(error)}, reconciling = NULL,
         completed_at = clock_timestamp()
       WHERE id = ${g.id} AND status IN ('queued', 'running') RETURNING id`,
    );
    if (rows.length > 0)
      await release(tx, { accountId: g.accountId, mode: g.runMode, keyId: g.keyId }, g.id, g.holdMilli);
    await deleteJob(tx, g.id);
    return rows.length > 0;
  });
}

/** What a generation past its deadline whose upstream may be working is told, after the deadline's own sentence. */
export const DEADLINE_STOP_NOTE =
  'The upstream was asked to stop; the tokens are settled from its answer (charged if it finished).';

/**
 * Up to `batch` queued or running generations past their deadline (`perModel` seconds, else `defaultSeconds`, from
 * creation), skipping rows other sweepers hold; the generations as they now are. One that no upstream may be working
 * on (queued, on the local renderer, or with no start that may have reached an upstream) fails with
 * `deadline_exceeded`; one whose upstream may be working stays `running`, marked to be stopped there
 * (`stop_requested`), reconciling, with a `deadline_exceeded` warning: it is settled from the upstream's answer.
 * Run inside the caller's transaction, which releases the holds of the failed ones.
 */
export async function failOverdue(
  tx: Queryable,
  deadlines: { perModel: Readonly<Record<string, number>>; defaultSeconds: number },
  batch: number,
): Promise<GenerationRecord[]> {
  const perModel = sql`${JSON.stringify(deadlines.perModel)}`;
  const fallback = sql`${deadlines.defaultSeconds}`;
  const said = sql`'The generation did not finish within the ' || overdue.secs || ' seconds allowed for ' || g.model || '.'`;
  const told = sql`${said} || ${` ${DEADLINE_STOP_NOTE}`}::text`;
  const rows = await runSql(
    tx,
    sql`WITH overdue AS (
         SELECT id, COALESCE((${perModel}::jsonb ->> model)::float8, ${fallback}::float8) AS secs,
           (status = 'running' AND provider IS DISTINCT FROM 'local' AND (operation IS NOT NULL
             OR provider_attempts -> -1 ->> 'outcome' IN ('requested', 'unknown'))) AS upstream
         FROM generations
         WHERE status IN ('queued', 'running') AND stop_requested IS NULL
           AND created_at + make_interval(secs => COALESCE((${perModel}::jsonb ->> model)::float8, ${fallback}::float8)) < clock_timestamp()
         LIMIT ${batch} FOR UPDATE SKIP LOCKED)
       UPDATE generations g SET
         status = CASE WHEN overdue.upstream THEN g.status ELSE 'failed' END,
         completed_at = CASE WHEN overdue.upstream THEN NULL ELSE clock_timestamp() END,
         error = CASE WHEN overdue.upstream THEN g.error
           ELSE jsonb_build_object('code', 'deadline_exceeded', 'message', ${said}) END,
         stop_requested = CASE WHEN overdue.upstream THEN 'deadline' END,
         reconciling = CASE WHEN overdue.upstream
           THEN jsonb_build_object('code', 'deadline_exceeded', 'message', ${told},
             'since', COALESCE(g.reconciling ->> 'since', ${NOW_ISO}))
           ELSE g.reconciling END,
         warnings = CASE WHEN overdue.upstream
           THEN g.warnings || jsonb_build_array(jsonb_build_object('code', 'deadline_exceeded', 'message', ${told}))
           ELSE g.warnings END
       FROM overdue WHERE g.id = overdue.id AND g.status IN ('queued', 'running')
       RETURNING g.*`,
  );
  return rows.map(generationFromRow);
}
