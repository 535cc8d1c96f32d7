import type { Database } from '../db/database.ts';
import { type DeliveryAttempt, deliveryAttempts } from '../store/webhook-deliveries.ts';
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
}
