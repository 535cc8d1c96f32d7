import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import type { GenerationRecord } from '../generations/generation-record.ts';
import { KEY_MODES, type Owner } from '../key-mode.ts';
import type { DeliveryState, WebhookDelivery } from '../webhooks/webhook-deliveries.ts';
import { generationFromRow } from './generations.ts';
import { type Row, readRow } from './row-reader.ts';
import { secretFromColumns, type WebhookSecretRow } from './webhook-secrets.ts';

/** NOTIFY channel that wakes the webhook senders. */
export const WEBHOOKS_CHANNEL = 'reelay_webhooks';

const STATES: readonly DeliveryState[] = ['pending', 'succeeded', 'failed'];

/** A `webhook_deliveries` row as a delivery: the one mapping of that table. */
export function deliveryFromRow(row: Row): WebhookDelivery {
  const r = readRow(row);
  return {
    id: r.text('id'),
    accountId: r.text('account_id'),
    mode: r.oneOf('mode', KEY_MODES),
    generationId: r.textOrNull('generation_id'),
    eventType: r.text('event_type'),
    url: r.text('url'),
    snapshot: r.json<Record<string, unknown>>('snapshot'),
    state: r.oneOf('state', STATES),
    attempts: r.number('attempts'),
    nextAttemptAt: r.date('next_attempt_at'),
    retryFrom: r.date('retry_from'),
    lastStatus: r.numberOrNull('last_status'),
    lastError: r.textOrNull('last_error'),
    createdAt: r.date('created_at'),
    deliveredAt: r.dateOrNull('delivered_at'),
  };
}

const SNAPSHOT_TIMESTAMPS = [
  'created_at',
  'started_at',
  'completed_at',
  'start_requested_at',
  'stop_sent_at',
  'media_deleted_at',
];

/**
 * The generation as it was at the delivery's event. The snapshot is the row as JSON (written by the trigger),
 * so its timestamps are strings until turned back into dates here.
 */
export function snapshotGeneration(d: WebhookDelivery): GenerationRecord {
  const row: Row = { ...d.snapshot };
  for (const name of SNAPSHOT_TIMESTAMPS) {
    const value = row[name];
    if (typeof value === 'string') row[name] = new Date(value);
  }
  return generationFromRow(row);
}

export async function findDeliveryOf(
  db: Queryable,
  owner: Owner,
  id: string,
): Promise<WebhookDelivery | null> {
  const rows = await runSql(
    db,
    sql`SELECT * FROM webhook_deliveries WHERE id = ${id} AND account_id = ${owner.accountId} AND mode = ${owner.mode}`,
  );
  return rows[0] ? deliveryFromRow(rows[0]) : null;
}

/** One try at sending a delivery, as the API shows it. */
export interface DeliveryAttempt {
  startedAt: string;
  durationMs: number;
  status: number | null;
  error: string | null;
}

/** The attempts of one delivery, oldest first. */
export async function deliveryAttempts(db: Queryable, deliveryId: string): Promise<DeliveryAttempt[]> {
  const rows = await runSql(
    db,
    sql`SELECT * FROM webhook_attempts WHERE delivery_id = ${deliveryId} ORDER BY id`,
  );
  return rows.map((row) => {
    const r = readRow(row);
    return {
      startedAt: r.date('started_at').toISOString(),
      durationMs: r.number('duration_ms'),
      status: r.numberOrNull('status'),
      error: r.textOrNull('error'),
    };
  });
}

/** Makes a delivery of the owner pending and due now, with a fresh retry window, and wakes the senders. */
export async function replayDeliveryRow(
  db: Queryable,
  owner: Owner,
  id: string,
): Promise<WebhookDelivery | null> {
  const rows = await runSql(
    db,
    sql`UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = clock_timestamp(),
       retry_from = clock_timestamp(), delivered_at = NULL
     WHERE id = ${id} AND account_id = ${owner.accountId} AND mode = ${owner.mode} RETURNING *`,
  );
  await runSql(db, sql`SELECT pg_notify(${WEBHOOKS_CHANNEL}, ${id})`);
  return rows[0] ? deliveryFromRow(rows[0]) : null;
}

/** Whether the owner has a delivery with this id. */
export async function deliveryExists(db: Queryable, owner: Owner, id: string): Promise<boolean> {
  const rows = await runSql(
    db,
    sql`SELECT 1 FROM webhook_deliveries WHERE id = ${id} AND account_id = ${owner.accountId} AND mode = ${owner.mode}`,
  );
  return rows.length > 0;
}

/** Up to `limit` deliveries of the owner, newest first, after the one with id `cursor`. */
export async function deliveriesPage(
  db: Queryable,
  owner: Owner,
  q: { limit: number; cursor: string | null; generationId: string | null; state: DeliveryState | null },
): Promise<WebhookDelivery[]> {
  const account = sql`${owner.accountId}`;
  const generation = sql`${q.generationId}`;
  const state = sql`${q.state}`;
  const cursor = sql`${q.cursor}`;
  const rows = await runSql(
    db,
    sql`SELECT d.* FROM webhook_deliveries d
     WHERE d.account_id = ${account} AND d.mode = ${owner.mode}
       AND (${generation}::text IS NULL OR d.generation_id = ${generation})
       AND (${state}::text IS NULL OR d.state = ${state})
       AND (${cursor}::text IS NULL OR (d.created_at, d.id) < (
         SELECT c.created_at, c.id FROM webhook_deliveries c WHERE c.id = ${cursor} AND c.account_id = ${account}))
     ORDER BY d.created_at DESC, d.id DESC LIMIT ${q.limit}`,
  );
  return rows.map(deliveryFromRow);
}

/** Milliseconds until the next pending delivery is due (0 or less: now), or null when none is pending. */
export async function msUntilNextDelivery(db: Queryable): Promise<number | null> {
  const rows = await runSql(
    db,
    sql`SELECT (EXTRACT(EPOCH FROM (min(GREATEST(next_attempt_at, COALESCE(locked_until, next_attempt_at)))
         - clock_timestamp())) * 1000)::float8 AS ms
       FROM webhook_deliveries WHERE state = 'pending'`,
  );
  return rows[0] ? readRow(rows[0]).numberOrNull('ms') : null;
}

/** A claimed delivery, with its account's signing secret when it has one (read in the claiming statement). */
export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  secret: WebhookSecretRow | null;
}

/**
 * Claims one due delivery for `senderId` under a lease (FOR UPDATE SKIP LOCKED, so concurrent senders never
 * claim the same one), and reads its account's signing secret in the same statement: one round trip for what every
 * attempt needs before it sends. Null when none is due.
 */
export async function claimDelivery(
  db: Queryable,
  senderId: string,
  leaseSeconds: number,
): Promise<ClaimedDelivery | null> {
  const rows = await runSql(
    db,
    sql`WITH claimed AS (
         UPDATE webhook_deliveries SET locked_by = ${senderId}, locked_until = clock_timestamp() + make_interval(secs => ${leaseSeconds})
         WHERE id = (
           SELECT id FROM webhook_deliveries
           WHERE state = 'pending' AND next_attempt_at <= clock_timestamp()
             AND (locked_until IS NULL OR locked_until < clock_timestamp())
           ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING *)
       SELECT c.*, s.secret AS s_secret, s.previous_secret AS s_previous_secret,
         s.previous_expires_at AS s_previous_expires_at, s.rotated_at AS s_rotated_at
       FROM claimed c LEFT JOIN webhook_secrets s ON s.account_id = c.account_id AND s.mode = c.mode`,
  );
  const row = rows[0];
  if (!row) return null;
  return {
    delivery: deliveryFromRow(row),
    secret: row.s_secret === null || row.s_secret === undefined ? null : secretFromColumns(row, 's_'),
  };
}

/** Hands a claimed delivery back untried (the sender is stopping). */
export async function unlockDelivery(db: Queryable, id: string, senderId: string): Promise<void> {
  await runSql(
    db,
    sql`UPDATE webhook_deliveries SET locked_by = NULL, locked_until = NULL WHERE id = ${id} AND locked_by = ${senderId}`,
  );
}

/** Records one attempt and the delivery's next state, and hands it back, in one statement. */
export async function recordDeliveryAttempt(
  db: Queryable,
  a: {
    id: string;
    senderId: string;
    startedAt: Date;
    durationMs: number;
    status: number | null;
    error: string | null;
    state: DeliveryState;
    retryInSeconds: number;
  },
): Promise<void> {
  const state = sql`${a.state}`;
  // One statement, so the attempt and the delivery's new state are kept together or not at all.
  await runSql(
    db,
    sql`WITH attempt AS (
       INSERT INTO webhook_attempts (delivery_id, started_at, duration_ms, status, error)
       VALUES (${a.id}, ${a.startedAt}, ${a.durationMs}, ${a.status}, ${a.error}))
     UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = ${a.status}, last_error = ${a.error},
           state = ${state}, next_attempt_at = clock_timestamp() + make_interval(secs => ${a.retryInSeconds}),
           delivered_at = CASE WHEN ${state} = 'succeeded' THEN clock_timestamp() END,
           locked_by = NULL, locked_until = NULL
         WHERE id = ${a.id} AND locked_by = ${a.senderId}`,
  );
}

/** A delivery of any account, by id (the operator's view). */
export async function findDeliveryById(db: Queryable, id: string): Promise<WebhookDelivery | null> {
  const rows = await runSql(db, sql`SELECT * FROM webhook_deliveries WHERE id = ${id}`);
  return rows[0] ? deliveryFromRow(rows[0]) : null;
}

/** Up to `limit` deliveries of every account, newest first, after the one with id `cursor` (the operator's view). */
export async function allDeliveriesPage(
  db: Queryable,
  q: { limit: number; cursor: string | null; state: DeliveryState | null; accountId: string | null },
): Promise<WebhookDelivery[]> {
  const state = sql`${q.state}`;
  const account = sql`${q.accountId}`;
  const cursor = sql`${q.cursor}`;
  const rows = await runSql(
    db,
    sql`SELECT d.* FROM webhook_deliveries d
     WHERE (${state}::text IS NULL OR d.state = ${state})
       AND (${account}::text IS NULL OR d.account_id = ${account})
       AND (${cursor}::text IS NULL OR (d.created_at, d.id) < (
         SELECT c.created_at, c.id FROM webhook_deliveries c WHERE c.id = ${cursor}))
     ORDER BY d.created_at DESC, d.id DESC LIMIT ${q.limit}`,
  );
  return rows.map(deliveryFromRow);
}
