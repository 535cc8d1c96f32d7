import type { Json, NormalisedInput, Quote } from '@reelay/catalog';
import type { Principal } from '../billing/api-keys.ts';
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
import { createLimitsSql, lockAccountsSql } from './limits.ts';
import { type Row, readRow } from './row-reader.ts';

const STATUSES: readonly GenerationStatus[] = ['queued', 'running', 'succeeded', 'failed', 'canceled'];
const TYPES: readonly GenerationRecord['type'][] = ['video', 'image', 'audio'];

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

/** The status of a generation, or null when there is none. */
export async function generationStatus(db: Queryable, id: string): Promise<GenerationStatus | null> {
  const rows = await runSql(db, sql`SELECT status FROM generations WHERE id = ${id}`);
  return rows[0] ? readRow(rows[0]).oneOf('status', STATUSES) : null;
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
}

/** What {@link insertGeneration} did: inserted, refused by a limit or the balance, or a duplicate key. */
export type InsertOutcome =
  | { kind: 'created'; generation: GenerationRecord }
  | { kind: 'refused'; verdict: LimitsVerdict }
  | { kind: 'insufficient'; availableMilli: number }
  | { kind: 'duplicate_key'; error: unknown };

const REFUSALS: readonly NonNullable<LimitsVerdict['refused']>[] = ['concurrency', 'day', 'month'];

/**
 * The create transaction, sent as one script (one round trip, so the account's lock is held only while the
 * database runs it): the account row is locked; then one statement checks the limits, holds the tokens (the
 * balance check and the update are one UPDATE, so concurrent holds never take a balance below zero), and — only
 * when both pass — inserts the generation, its hold's ledger entry and its job. A refusal writes nothing and
 * commits. A second generation with the same Idempotency-Key is a `duplicate_key`.
 */
export async function insertGeneration(
  db: Database,
  g: NewGeneration,
  limits: LimitDefaults,
): Promise<InsertOutcome> {
  const script = `${lockAccountsSql([g.principal])};\n${createStatementSql(g, limits)}`;
  let row: Row;
  try {
    row = (await db.script(script))[1]?.[0] ?? {};
  } catch (error) {
    if (g.idempotencyKey !== null && isUniqueViolation(error)) return { kind: 'duplicate_key', error };
    throw error;
  }
  return insertOutcome(row);
}

/**
 * Several creates decided in one transaction, one commit for all (see generations/create-batcher.ts): the accounts
 * of all of them are locked first, in id order (so two batches, or a batch and a single create, never wait on each
 * other in a circle), then each create's statement runs in turn, exactly as {@link insertGeneration}'s does. A
 * statement sees the creates before it in the batch (their generations count against the concurrency limit, their
 * holds against the balance and budgets), and a refused create writes nothing, so each caller gets the outcome it
 * would have had alone, in the order the creates came. An Idempotency-Key already taken, earlier in the batch or
 * before, is a `duplicate_key` without an error; any error rolls the whole batch back and is thrown.
 */
export async function insertGenerations(
  db: Database,
  gs: readonly NewGeneration[],
  limits: LimitDefaults,
): Promise<InsertOutcome[]> {
  const statements = gs.map((g) => createStatementSql(g, limits));
  const results = await db.script(
    `${lockAccountsSql(gs.map((g) => g.principal))};\n${statements.join(';\n')}`,
  );
  return gs.map((_, i) => insertOutcome(results[1 + i]?.[0] ?? {}));
}

/** The statement that decides one create, run after its account is locked (see {@link insertGeneration}). */
function createStatementSql(g: NewGeneration, limits: LimitDefaults): string {
  const { principal } = g;
  const id = sqlLiteral(g.id);
  const account = sqlLiteral(principal.accountId);
  const mode = sqlLiteral(principal.mode);
  const key = sqlLiteral(principal.keyId);
  const amount = sqlLiteral(g.quoteMilli);
  const values = [
    id,
    account,
    key,
    mode,
    sqlLiteral(g.type),
    sqlLiteral(g.model),
    sqlLiteral(g.mode),
    sqlLiteral(g.variant),
    "'queued'",
    `${sqlLiteral(JSON.stringify(g.input))}::jsonb`,
    `${sqlLiteral(JSON.stringify(g.mediaRefs))}::jsonb`,
    `${sqlLiteral(JSON.stringify(g.quote))}::jsonb`,
    `${amount}::bigint`,
    sqlLiteral(g.provider),
    sqlLiteral(g.idempotencyKey),
    sqlLiteral(g.requestHash),
    sqlLiteral(g.webhookUrl),
  ];
  const taken =
    g.idempotencyKey === null
      ? 'SELECT false AS found'
      : `SELECT EXISTS (SELECT 1 FROM generations WHERE account_id = ${account} AND run_mode = ${mode}
           AND idempotency_key = ${sqlLiteral(g.idempotencyKey)}) AS found`;
  return `WITH lim AS (${createLimitsSql(principal, g.quoteMilli, limits)}),
taken AS (${taken}),
held AS (
  UPDATE token_balances SET held_milli = held_milli + ${amount}
  WHERE account_id = ${account} AND mode = ${mode} AND balance_milli - held_milli >= ${amount}
    AND (SELECT refused FROM lim) IS NULL AND NOT (SELECT found FROM taken)
  RETURNING 1
),
gen AS (
  INSERT INTO generations (id, account_id, key_id, run_mode, type, model, mode, variant, status, input,
    media_refs, quote, hold_milli, provider, idempotency_key, request_hash, webhook_url)
  SELECT ${values.join(', ')} FROM held
  RETURNING *
),
entry AS (
  INSERT INTO ledger_entries (account_id, mode, kind, amount_milli, generation_id, note, key_id)
  SELECT ${account}, ${mode}, 'hold', ${amount}, gen.id, '', ${key} FROM gen
),
job AS (INSERT INTO jobs (generation_id) SELECT gen.id FROM gen)
SELECT (SELECT found FROM taken) AS taken, lim.refused, lim.max_active, lim.budget_day, lim.budget_month,
  lim.spent_day, lim.spent_month, b.balance_milli AS available_balance_milli, b.held_milli AS available_held_milli, gen.*
FROM lim LEFT JOIN gen ON true LEFT JOIN token_balances b ON b.account_id = ${account} AND b.mode = ${mode}`;
}

/** The outcome a create statement's row says. */
function insertOutcome(row: Row): InsertOutcome {
  const r = readRow(row);
  if (row.taken === true) {
    return {
      kind: 'duplicate_key',
      error: new ApiError(
        'idempotency_conflict',
        409,
        'A request with this Idempotency-Key is being processed; retry it in a moment.',
      ),
    };
  }
  const refused = r.textOrNull('refused');
  if (refused !== null) {
    return {
      kind: 'refused',
      verdict: {
        refused: r.oneOf('refused', REFUSALS),
        max_active: r.number('max_active'),
        budget_day: r.numberOrNull('budget_day'),
        budget_month: r.numberOrNull('budget_month'),
        spent_day: r.number('spent_day'),
        spent_month: r.number('spent_month'),
      },
    };
  }
  if (row.id === null || row.id === undefined) {
    const balance = Number(row.available_balance_milli ?? 0);
    const held = Number(row.available_held_milli ?? 0);
    return { kind: 'insufficient', availableMilli: balance - held };
  }
  return { kind: 'created', generation: generationFromRow(row) };
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
