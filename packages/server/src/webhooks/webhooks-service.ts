import type { Database } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import {
  allDeliveriesPage,
  type DeliveryAttempt,
  deliveryAttempts,
  findDeliveryById,
} from '../store/webhook-deliveries.ts';
import {
  type DeliveryOwner,
  type DeliveryState,
  findDelivery,
  listDeliveries,
  replayDelivery,
  type WebhookDelivery,
} from './webhook-deliveries.ts';
import {
  rotateWebhookSecret,
  type SecretOwner,
  type WebhookSecret,
  webhookSecretOf,
} from './webhook-secrets.ts';

/** An account's webhook secret (read, rotate) and its deliveries (list, inspect, replay), per mode. */
export class WebhooksService {
  constructor(
    private readonly db: Database,
    private readonly settings: { secretGraceSeconds: number },
  ) {}

  secretOf(owner: SecretOwner): Promise<WebhookSecret> {
    return webhookSecretOf(this.db, owner);
  }

  /** A new secret; the old one still signs for the configured grace period. */
  rotateSecret(owner: SecretOwner): Promise<WebhookSecret> {
    return rotateWebhookSecret(this.db, owner, this.settings.secretGraceSeconds);
  }

  listDeliveries(
    owner: DeliveryOwner,
    q: { limit: number; cursor: string | null; generationId: string | null; state: DeliveryState | null },
  ): Promise<{ data: WebhookDelivery[]; nextCursor: string | null }> {
    return listDeliveries(this.db, owner, q);
  }

  /** The delivery (404 when the owner has none with that id) and its attempts. */
  async delivery(
    owner: DeliveryOwner,
    id: string,
  ): Promise<{ delivery: WebhookDelivery; attempts: DeliveryAttempt[] }> {
    const delivery = await findDelivery(this.db, owner, id);
    return { delivery, attempts: await deliveryAttempts(this.db, delivery.id) };
  }

  replay(owner: DeliveryOwner, id: string): Promise<WebhookDelivery> {
    return replayDelivery(this.db, owner, id);
  }

  /** A page of every account's deliveries, newest first (the operator's view); the cursor is the last one's id. */
  async listAllDeliveries(q: {
    limit: number;
    cursor: string | null;
    state: DeliveryState | null;
    accountId: string | null;
  }): Promise<{ data: WebhookDelivery[]; nextCursor: string | null }> {
    if (q.cursor !== null && !(await findDeliveryById(this.db, q.cursor))) {
      throw new ApiError(
        'invalid_request',
        400,
        'cursor is not one this API returned; pass nextCursor unchanged.',
        {
          param: 'cursor',
        },
      );
    }
    const rows = await allDeliveriesPage(this.db, { ...q, limit: q.limit + 1 });
    const data = rows.slice(0, q.limit);
    return { data, nextCursor: rows.length > q.limit ? (data.at(-1)?.id ?? null) : null };
  }

  /** Sends any account's delivery again now (the operator's replay), as its owner's replay does. */
  async replayAny(id: string): Promise<WebhookDelivery> {
    const d = await findDeliveryById(this.db, id);
    if (!d) throw new ApiError('not_found', 404, `No webhook delivery with id ${id}.`);
    return replayDelivery(this.db, { accountId: d.accountId, mode: d.mode }, id);
  }
}
