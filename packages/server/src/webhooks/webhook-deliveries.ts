import type { WebhookDelivery as WireDelivery } from '@reelay/contract';
import type { Queryable } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { generationJson } from '../generations/generation-json.ts';
import { type GenerationRecord, generationFromRow } from '../generations/generation-record.ts';
import type { KeyMode } from '../key-mode.ts';

export type DeliveryState = 'pending' | 'succeeded' | 'failed';

/** One webhook message to one URL, with its retry state. Its id is the `webhook-id`. */
export interface WebhookDelivery {
  id: string;
  accountId: string;
  /** The mode of the generation it tells of: test deliveries are seen and signed apart from live ones. */
  mode: KeyMode;
  generationId: string;
  eventType: string;
  url: string;
  snapshot: Record<string, unknown>;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date;
  retryFrom: Date;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export function deliveryFromRow(r: Record<string, unknown>): WebhookDelivery {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    mode: r.mode as KeyMode,
    generationId: r.generation_id as string,
    eventType: r.event_type as string,
    url: r.url as string,
    snapshot: r.snapshot as Record<string, unknown>,
    state: r.state as DeliveryState,
    attempts: r.attempts as number,
    nextAttemptAt: r.next_attempt_at as Date,
    retryFrom: r.retry_from as Date,
    lastStatus: (r.last_status as number | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    createdAt: r.created_at as Date,
    deliveredAt: (r.delivered_at as Date | null) ?? null,
  };
}

const TIMESTAMPS = ['created_at', 'started_at', 'completed_at', 'start_requested_at'];

/**
 * The generation as it was at the delivery's event. The snapshot is the row as JSON, so its timestamps are
 * strings until turned back into dates here.
 */
export function generationAtDelivery(d: WebhookDelivery): GenerationRecord {
  const row: Record<string, unknown> = { ...d.snapshot };
  for (const name of TIMESTAMPS) {
    if (typeof row[name] === 'string') row[name] = new Date(row[name] as string);
  }
  return generationFromRow(row);
}

/** The message body: `{type, timestamp, data}` with the generation as it was at the event. */
export function webhookPayload(d: WebhookDelivery, publicUrl: string): string {
  return JSON.stringify({
    type: d.eventType,
    timestamp: d.createdAt.toISOString(),
    data: generationJson(generationAtDelivery(d), publicUrl),
  });
}

/** A delivery as the API shows it. */
export function deliveryJson(d: WebhookDelivery): WireDelivery {
  return {
    id: d.id,
    generationId: d.generationId,
    eventType: d.eventType,
    url: d.url,
    state: d.state,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt.toISOString() : null,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt ? d.deliveredAt.toISOString() : null,
  };
}

/** Whose deliveries: an account in one mode (a test key sees test deliveries only, a live key live ones). */
export interface DeliveryOwner {
  accountId: string;
  mode: KeyMode;
}

export async function findDelivery(
  db: Queryable,
  owner: DeliveryOwner,
  id: string,
): Promise<WebhookDelivery> {
  const rows = await db.query(
    'SELECT * FROM webhook_deliveries WHERE id = $1 AND account_id = $2 AND mode = $3',
    [id, owner.accountId, owner.mode],
  );
  if (!rows[0]) throw new ApiError('not_found', 404, `No webhook delivery with id ${id}.`);
  return deliveryFromRow(rows[0]);
}

/** The attempts of one delivery, oldest first. */
export async function deliveryAttempts(db: Queryable, deliveryId: string) {
  const rows = await db.query<Record<string, unknown>>(
    'SELECT * FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id',
    [deliveryId],
  );
  return rows.map((r) => ({
    startedAt: (r.started_at as Date).toISOString(),
    durationMs: r.duration_ms as number,
    status: (r.status as number | null) ?? null,
    error: (r.error as string | null) ?? null,
  }));
}

/** Sends a delivery again now, with a fresh retry window, whatever its state. */
export async function replayDelivery(
  db: Queryable,
  owner: DeliveryOwner,
  id: string,
): Promise<WebhookDelivery> {
  await findDelivery(db, owner, id);
  const rows = await db.query(
    `UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = clock_timestamp(),
       retry_from = clock_timestamp(), delivered_at = NULL
     WHERE id = $1 AND account_id = $2 AND mode = $3 RETURNING *`,
    [id, owner.accountId, owner.mode],
  );
  await db.query(`SELECT pg_notify('reelay_webhooks', $1)`, [id]);
  return deliveryFromRow(rows[0] as Record<string, unknown>);
}

/** A page of the account's deliveries, newest first; the cursor is the last one's id. */
export async function listDeliveries(
  db: Queryable,
  owner: DeliveryOwner,
  q: { limit: number; cursor: string | null; generationId: string | null; state: DeliveryState | null },
): Promise<{ data: WebhookDelivery[]; nextCursor: string | null }> {
  if (q.cursor !== null) {
    const known = await db.query(
      'SELECT 1 FROM webhook_deliveries WHERE id = $1 AND account_id = $2 AND mode = $3',
      [q.cursor, owner.accountId, owner.mode],
    );
    if (known.length === 0) {
      throw new ApiError(
        'invalid_request',
        400,
        'cursor is not one this API returned; pass nextCursor unchanged.',
        {
          param: 'cursor',
        },
      );
    }
  }
  const rows = await db.query(
    `SELECT d.* FROM webhook_deliveries d
     WHERE d.account_id = $1 AND d.mode = $6
       AND ($2::text IS NULL OR d.generation_id = $2)
       AND ($3::text IS NULL OR d.state = $3)
       AND ($4::text IS NULL OR (d.created_at, d.id) < (
         SELECT c.created_at, c.id FROM webhook_deliveries c WHERE c.id = $4 AND c.account_id = $1))
     ORDER BY d.created_at DESC, d.id DESC LIMIT $5`,
    [owner.accountId, q.generationId, q.state, q.cursor, q.limit + 1, owner.mode],
  );
  const data = rows.slice(0, q.limit).map(deliveryFromRow);
  return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
}
