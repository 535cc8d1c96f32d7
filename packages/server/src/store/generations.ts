import type { Json, NormalisedInput, Quote } from '@reelay/catalog';
import type { Principal } from '../billing/api-keys.ts';
import { providerAllowlist } from '../billing/key-allowlist.ts';
import type { LimitDefaults, LimitsVerdict } from '../billing/limits.ts';
import { type Database, isUniqueViolation, type Queryable, sqlLiteral } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import { ApiError } from '../errors.ts';
import type {
  GenerationMediaRef,
  GenerationOutput,
  GenerationRecord,
  GenerationStatus,
  Reconciling,
} from '../generations/generation-record.ts';
import type { ProviderAttempt } from '../generations/provider-attempts.ts';
import { KEY_MODES, type Owner } from '../key-mode.ts';
import { JOBS_CHANNEL } from './jobs.ts';
import { type Row, readRow } from './row-reader.ts';

const STATUSES: readonly GenerationStatus[] = ['queued', 'running', 'succeeded', 'failed', 'canceled'];
const TYPES: readonly GenerationRecord['type'][] = ['video', 'image', 'audio'];
const MEDIA_GONE = ['deleted', 'expired'] as const;

/** A `generations` row as a record: the one mapping of that table. */
const stopOf = (v: string | null): GenerationRecord['stopRequested'] =>
  v === 'deadline' || v === 'cancel' ? v : null;

export function generationFromRow(row: Row): GenerationRecord {
  const r = readRow(row);
  return {
    id: r.text('id'),
    accountId: r.text('account_id'),
    keyId: r.text('key_id'),
    runMode: r.oneOf('run_mode', KEY_MODES),
    type: r.oneOf('type', TYPES),
    model: r.text('model'),
    mode: r.text('mode'),
    variant: r.text('variant'),
    status: r.oneOf('status', STATUSES),
    input: r.json<NormalisedInput>('input'),
    mediaRefs: r.jsonOrNull<GenerationMediaRef[]>('media_refs') ?? [],
    quote: r.json<Quote>('quote'),
    holdMilli: r.number('hold_milli'),
    chargedMilli: r.numberOrNull('charged_milli'),
    provider: r.textOrNull('provider'),
    operation: r.jsonOrNull<Json>('operation'),
    startRequestedAt: r.dateOrNull('start_requested_at'),
    progress: r.numberOrNull('progress'),
    outputs: r.json<GenerationOutput[]>('outputs'),
    error: r.jsonOrNull<GenerationRecord['error']>('error'),
    warnings: r.json<GenerationRecord['warnings']>('warnings'),
    attempts: r.number('attempts'),
    providerAttempts: r.jsonOrNull<ProviderAttempt[]>('provider_attempts') ?? [],
    providerRetries: r.numberOrNull('provider_retries') ?? 0,
    reconciling: r.jsonOrNull<Reconciling>('reconciling'),
    stopRequested: stopOf(r.textOrNull('stop_requested')),
    stopSentAt: r.dateOrNull('stop_sent_at'),
    outputRefreshes: r.numberOrNull('output_refreshes') ?? 0,
    idempotencyKey: r.textOrNull('idempotency_key'),
    requestHash: r.textOrNull('request_hash'),
    webhookUrl: r.textOrNull('webhook_url'),
    allowedProviders: r.textArrayOrNull('allowed_providers'),
    traceContext: r.textOrNull('trace_context'),
    retentionSeconds: r.numberOrNull('retention_seconds'),
    provenance: r.boolean('provenance'),
    mediaDeletedAt: r.dateOrNull('media_deleted_at'),
    mediaDeletedReason: MEDIA_GONE.find((reason) => reason === r.textOrNull('media_deleted_reason')) ?? null,
    createdAt: r.date('created_at'),
    startedAt: r.dateOrNull('started_at'),
    completedAt: r.dateOrNull('completed_at'),
  };
}

export async function loadGeneration(db: Queryable, id: string): Promise<GenerationRecord | null> {
  const rows = await runSql(db, sql`SELECT * FROM generations WHERE id = ${id}`);
  return rows[0] ? generationFromRow(rows[0]) : null;
}

/** The generation if it is the owner's; another account's, or another mode's, is as absent as a missing one. */
export async function findGeneration(
  db: Queryable,
  owner: Owner,
  id: string,
): Promise<GenerationRecord | null> {
  const rows = await runSql(
    db,
    sql`SELECT * FROM generations WHERE id = ${id} AND account_id = ${owner.accountId} AND run_mode = ${owner.mode}`,
  );
  return rows[0] ? generationFromRow(rows[0]) : null;
}

/** The owner's generation `id`, locked for the rest of the transaction (so it cannot start or end meanwhile). */
export async function lockGeneration(
  tx: Queryable,
  owner: Owner,
  id: string,
): Promise<GenerationRecord | null> {
  const rows = await runSql(
    tx,
    sql`SELECT * FROM generations WHERE id = ${id} AND account_id = ${owner.accountId} AND run_mode = ${owner.mode}
        FOR UPDATE`,
  );
  return rows[0] ? generationFromRow(rows[0]) : null;
}

/** Records that a generation's media was deleted on request (the first time only); the generation as it now is. */
export async function markMediaDeleted(tx: Queryable, id: string): Promise<GenerationRecord | null> {
  const rows = await runSql(
    tx,
    sql`UPDATE generations SET media_deleted_at = COALESCE(media_deleted_at, now()),
          media_deleted_reason = COALESCE(media_deleted_reason, 'deleted')
        WHERE id = ${id} RETURNING *`,
  );
  return rows[0] ? generationFromRow(rows[0]) : null;
}

/** The generations with these ids that exist (whoever's they are: callers check the owner). */
export async function generationsByIds(db: Queryable, ids: readonly string[]): Promise<GenerationRecord[]> {
  const rows = await runSql(db, sql`SELECT * FROM generations WHERE id = ANY(${ids}::text[])`);
  return rows.map(generationFromRow);
}

/** The status of a generation, or null when there is none. */
export async function generationStatus(db: Queryable, id: string): Promise<GenerationStatus | null> {
  const rows = await runSql(db, sql`SELECT status FROM generations WHERE id = ${id}`);
  return rows[0] ? readRow(rows[0]).oneOf('status', STATUSES) : null;
}

/** The trace context (W3C `traceparent`) stored on a generation at its create, or null (none, or no such one). */
export async function generationTraceContext(db: Queryable, id: string): Promise<string | null> {
  const rows = await runSql(db, sql`SELECT trace_context FROM generations WHERE id = ${id}`);
  return rows[0] ? readRow(rows[0]).textOrNull('trace_context') : null;
}

/**
 * Up to `limit` generations of the owner, newest first (oldest first with `ascending`), after the one with id
 * `cursor` (null: from the start), of one status and model when given.
 */
export async function generationsPage(
  db: Queryable,
  owner: Owner,
  q: {
    limit: number;
    cursor: string | null;
    status: GenerationStatus | null;
    model: string | null;
    ascending?: boolean;
  },
): Promise<GenerationRecord[]> {
  const account = sql`${owner.accountId}`;
  const after = q.ascending ? sql`>` : sql`<`;
  const order = q.ascending ? sql`ORDER BY created_at, id` : sql`ORDER BY created_at DESC, id DESC`;
  const mode = sql`${owner.mode}`;
  const status = sql`${q.status}`;
  const model = sql`${q.model}`;
  const cursor = sql`${q.cursor}`;
  const rows = await runSql(
    db,
    sql`SELECT * FROM generations
     WHERE account_id = ${account} AND run_mode = ${mode}
       AND (${status}::text IS NULL OR status = ${status}) AND (${model}::text IS NULL OR model = ${model})
       AND (${cursor}::text IS NULL OR (created_at, id) ${after} (
         SELECT created_at, id FROM generations WHERE id = ${cursor} AND account_id = ${account} AND run_mode = ${mode}))
     ${order} LIMIT ${q.limit}`,
  );
  return rows.map(generationFromRow);
}

/**
 * The generation made earlier with this Idempotency-Key. With `expire`, a key older than 24 hours is first
 * taken off its generation, in the same statement, and that generation is not returned.
 */
export async function generationByIdempotencyKey(
  db: Queryable,
  owner: Owner,
  key: string,
  expire: boolean,
): Promise<GenerationRecord | null> {
  const account = sql`${owner.accountId}`;
  const mode = sql`${owner.mode}`;
  const k = sql`${key}`;
  const rows = await runSql(
    db,
    expire
      ? sql`WITH expired AS (
           UPDATE generations SET idempotency_key = NULL
           WHERE account_id = ${account} AND run_mode = ${mode} AND idempotency_key = ${k}
             AND created_at < now() - interval '24 hours'
           RETURNING id
         )
         SELECT * FROM generations
         WHERE account_id = ${account} AND run_mode = ${mode} AND idempotency_key = ${k}
           AND id NOT IN (SELECT id FROM expired)`
      : sql`SELECT * FROM generations WHERE account_id = ${account} AND run_mode = ${mode} AND idempotency_key = ${k}`,
  );
  return rows[0] ? generationFromRow(rows[0]) : null;
}

/** A new generation as {@link insertGeneration} writes it. */
export interface NewGeneration {
  id: string;
  principal: Principal;
  type: string;
  model: string;
  mode: string;
  variant: string;
  input: NormalisedInput;
  mediaRefs: readonly GenerationMediaRef[];
  quote: Quote;
  quoteMilli: number;
  provider: string;
  idempotencyKey: string | null;
  requestHash: string;
  webhookUrl: string | null;
  /** The create's trace (W3C traceparent) when tracing is on, stored for the worker to continue. */
  traceContext?: string | null;
  /** The request's or its key's retention in seconds; null: the server's setting. */
  retentionSeconds?: number | null;
  /** False when the request turned C2PA manifests off (allowed by the operator); absent or true: they are made. */
  provenance?: boolean;
  /** Warnings known at create (a deprecated model), stored on the generation from the start. */
  warnings?: readonly { code: string; message: string }[];
}

/** What {@link insertGeneration} did: inserted, refused by a limit or the balance, or a duplicate key. */
export type InsertOutcome =
  | { kind: 'created'; generation: GenerationRecord }
  | { kind: 'refused'; verdict: LimitsVerdict }
  | { kind: 'insufficient'; availableMilli: number }
  | { kind: 'duplicate_key'; error: unknown };

const REFUSALS: readonly NonNullable<LimitsVerdict['refused']>[] = ['concurrency', 'day', 'month'];

/**
 * One create decided in its own transaction (see {@link insertGenerations}); a second generation with the same
 * Idempotency-Key, committed by another transaction at the same moment, is a `duplicate_key` too.
 */
export async function insertGeneration(
  db: Database,
  g: NewGeneration,
  limits: LimitDefaults,
): Promise<InsertOutcome> {
  try {
    return (await insertGenerations(db, [g], limits))[0] as InsertOutcome;
  } catch (error) {
    if (g.idempotencyKey !== null && isUniqueViolation(error)) return { kind: 'duplicate_key', error };
    throw error;
  }
}

/**
 * Creates decided in one transaction, one commit for all (see generations/create-batcher.ts), sent as one script of
 * three statements in one round trip: `reelay_create_generations` (migration 017) decides them in order — it locks
 * their accounts (so the locks are held only while the database runs the script), then for each checks its
 * Idempotency-Key, the limits and the balance, and only when all pass holds the tokens and inserts the generation
 * `queued`, its ledger entry and its job — and the second statement reads the generations it created. Each create
 * sees the ones before it, and one that is refused writes nothing, so each caller gets the outcome it would have
 * had alone, in the order the creates came. The third statement wakes the workers when a job was queued: its
 * NOTIFY is delivered at the commit, and costs nothing more there, since the events trigger already makes every
 * create's transaction a notifying one. Any error rolls the whole batch back and is thrown.
 */
export async function insertGenerations(
  db: Database,
  gs: readonly NewGeneration[],
  limits: LimitDefaults,
): Promise<InsertOutcome[]> {
  const creates = gs.map((g) => ({
    id: g.id,
    accountId: g.principal.accountId,
    keyId: g.principal.keyId,
    runMode: g.principal.mode,
    type: g.type,
    model: g.model,
    mode: g.mode,
    variant: g.variant,
    input: g.input,
    mediaRefs: g.mediaRefs,
    quote: g.quote,
    quoteMilli: g.quoteMilli,
    provider: g.provider,
    idempotencyKey: g.idempotencyKey,
    requestHash: g.requestHash,
    webhookUrl: g.webhookUrl,
    allowedProviders: providerAllowlist(g.principal),
  }));
  const ids = gs.map((g) => sqlLiteral(g.id)).join(', ');
  // What the creating function knows nothing of is set on the rows just created, in the same script, before anything
  // reads or claims them: the create's trace (W3C traceparent) when tracing is on, a retention the request or its
  // key chose, provenance turned off by the request, and warnings known at create (a deprecated model). Columns the triggers do not watch, so no event
  // comes of it; only batches with any of them pay for it.
  const extra = gs.filter(
    (g) =>
      typeof g.traceContext === 'string' ||
      (g.retentionSeconds ?? null) !== null ||
      g.provenance === false ||
      (g.warnings?.length ?? 0) > 0,
  );
  const setExtra =
    extra.length === 0
      ? ''
      : `UPDATE generations g SET trace_context = COALESCE(t.tc, g.trace_context),
           retention_seconds = COALESCE(g.retention_seconds, t.seconds),
           warnings = g.warnings || t.warnings,
           provenance = t.provenance
         FROM (VALUES ${extra
           .map(
             (g) =>
               `(${sqlLiteral(g.id)}, ${sqlLiteral(g.traceContext ?? null)}::text, ${sqlLiteral(g.retentionSeconds ?? null)}::int, ${sqlLiteral(JSON.stringify(g.warnings ?? []))}::jsonb, ${sqlLiteral(g.provenance !== false)}::boolean)`,
           )
           .join(', ')}) AS t(id, tc, seconds, warnings, provenance) WHERE g.id = t.id;\n`;
  const results = await db.script(
    `SELECT * FROM reelay_create_generations(${sqlLiteral(JSON.stringify(creates))}::jsonb, ${sqlLiteral(limits.maxConcurrentGenerations)}::int);
${setExtra}SELECT * FROM generations WHERE id IN (${ids});
SELECT pg_notify(${sqlLiteral(JOBS_CHANNEL)}, '') WHERE EXISTS (SELECT 1 FROM jobs WHERE generation_id IN (${ids}))`,
  );
  const decided = results[0] ?? [];
  const created = results[setExtra === '' ? 1 : 2] ?? [];
  const byId = new Map(created.map((row) => [row.id, row]));
  return gs.map((g, i) => insertOutcome(decided[i] ?? {}, byId.get(g.id)));
}

/** The outcome of one create: its row from `reelay_create_generations`, and its generation when it was created. */
function insertOutcome(row: Row, generation: Row | undefined): InsertOutcome {
  const r = readRow(row);
  const kind = r.oneOf('o_kind', ['created', 'refused', 'insufficient', 'duplicate_key'] as const);
  if (kind === 'duplicate_key') {
    return {
      kind,
      error: new ApiError(
        'idempotency_conflict',
        409,
        'A request with this Idempotency-Key is being processed; retry it in a moment.',
      ),
    };
  }
  if (kind === 'refused') {
    return {
      kind,
      verdict: {
        refused: r.oneOf('o_refused', REFUSALS),
        max_active: r.number('o_max_active'),
        budget_day: r.numberOrNull('o_budget_day'),
        budget_month: r.numberOrNull('o_budget_month'),
        spent_day: r.number('o_spent_day'),
        spent_month: r.number('o_spent_month'),
      },
    };
  }
  if (kind === 'insufficient') return { kind, availableMilli: r.number('o_available_milli') };
  if (!generation) throw new Error('a created generation was not found in its own transaction');
  return { kind, generation: generationFromRow(generation) };
}

/** Marks a queued or running generation of the owner `canceled`; null when it is in neither state (or not the owner's). */
export async function markCanceled(
  tx: Queryable,
  owner: Owner,
  id: string,
): Promise<GenerationRecord | null> {
  const settle = sql`'The upstream was asked to stop; the tokens are settled from its answer: released if it stopped, charged (outputs kept) if it had finished.'`;
  const rows = await runSql(
    tx,
    sql`WITH target AS (
         SELECT id, (status = 'running' AND provider IS DISTINCT FROM 'local' AND (operation IS NOT NULL
           OR provider_attempts -> -1 ->> 'outcome' IN ('requested', 'unknown'))) AS upstream
         FROM generations WHERE id = ${id} AND account_id = ${owner.accountId} AND run_mode = ${owner.mode}
           AND status IN ('queued', 'running'))
       UPDATE generations g SET status = 'canceled', completed_at = clock_timestamp(),
         error = '{"code":"canceled","message":"Canceled by request."}',
         stop_requested = CASE WHEN target.upstream THEN 'cancel' ELSE g.stop_requested END,
         reconciling = CASE WHEN target.upstream THEN jsonb_build_object('code', 'cancel_requested',
           'message', ${settle}, 'since', COALESCE(g.reconciling ->> 'since',
             to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))) ELSE NULL END
       FROM target WHERE g.id = target.id AND g.status IN ('queued', 'running') RETURNING g.*`,
  );
  return rows[0] ? generationFromRow(rows[0]) : null;
}
