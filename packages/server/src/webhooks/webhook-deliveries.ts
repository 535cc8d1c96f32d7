import type { AdminWebhookDelivery, WebhookDelivery as WireDelivery } from '@reelay/contract';
import { alertJson } from '../billing/alerts-service.ts';
import type { Queryable } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { generationJson } from '../generations/generation-json.ts';
import type { KeyMode, Owner } from '../key-mode.ts';
import { alertFromSnapshot } from '../store/alerts.ts';
import {
  deliveriesPage,
  deliveryExists,
  findDeliveryOf,
  replayDeliveryRow,
  snapshotGeneration,
} from '../store/webhook-deliveries.ts';

export type DeliveryState = 'pending' | 'succeeded' | 'failed';

/** One webhook message to one URL, with its retry state. Its id is the `webhook-id`. */
export interface WebhookDelivery {
  id: string;
  accountId: string;
  /** The mode of the generation it tells of: test deliveries are seen and signed apart from live ones. */
  mode: KeyMode;
  /** The generation it tells of; null for an alert (`account.balance_low`, `key.budget_threshold`). */
  generationId: string | null;
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

/** The generation as it was at the delivery's event. */
export const generationAtDelivery = snapshotGeneration;

/** The message body: `{type, timestamp, data}` with the generation as it was at the event, or the alert. */
export function webhookPayload(d: WebhookDelivery, publicUrl: string): string {
  return JSON.stringify({
    type: d.eventType,
    timestamp: d.createdAt.toISOString(),
    data:
      d.generationId === null
        ? alertJson(alertFromSnapshot(d.snapshot))
        : generationJson(snapshotGeneration(d), publicUrl),
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

/** A delivery as the operator sees it: with the account and mode it belongs to. */
export const adminDeliveryJson = (d: WebhookDelivery): AdminWebhookDelivery => ({
  ...deliveryJson(d),
  accountId: d.accountId,
  mode: d.mode,
});

/** Whose deliveries: an account in one mode (a test key sees test deliveries only, a live key live ones). */
export type DeliveryOwner = Owner;

export async function findDelivery(
  db: Queryable,
  owner: DeliveryOwner,
  id: string,
): Promise<WebhookDelivery> {
  const d = await findDeliveryOf(db, owner, id);
  if (!d) throw new ApiError('not_found', 404, `No webhook delivery with id ${id}.`);
  return d;
}

/** Sends a delivery again now, with a fresh retry window, whatever its state. */
export async function replayDelivery(
  db: Queryable,
  owner: DeliveryOwner,
  id: string,
): Promise<WebhookDelivery> {
  await findDelivery(db, owner, id);
  const d = await replayDeliveryRow(db, owner, id);
  if (!d) throw new ApiError('not_found', 404, `No webhook delivery with id ${id}.`);
  return d;
}

/** A page of the account's deliveries, newest first; the cursor is the last one's id. */
export async function listDeliveries(
  db: Queryable,
  owner: DeliveryOwner,
  q: { limit: number; cursor: string | null; generationId: string | null; state: DeliveryState | null },
): Promise<{ data: WebhookDelivery[]; nextCursor: string | null }> {
  if (q.cursor !== null && !(await deliveryExists(db, owner, q.cursor))) {
    throw new ApiError(
      'invalid_request',
      400,
      'cursor is not one this API returned; pass nextCursor unchanged.',
      {
        param: 'cursor',
      },
    );
  }
  const rows = await deliveriesPage(db, owner, { ...q, limit: q.limit + 1 });
  const data = rows.slice(0, q.limit);
  return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
}
