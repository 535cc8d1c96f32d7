import type { ReplicateStore } from '../../store/replicate-predictions.ts';
import { generationAtDelivery, type WebhookDelivery } from '../../webhooks/webhook-deliveries.ts';
import { predictionJson } from './replicate-prediction.ts';

/**
 * The body of a webhook delivery of a prediction made through the Replicate shape: the prediction as it was at
 * the event, as Replicate sends it; null for any other generation (Reelay's own body). Which events are sent at
 * all follows the prediction's `webhook_events_filter` (a trigger in `008_replicate_predictions.sql`).
 */
export function replicateWebhookBody(
  store: ReplicateStore,
  links: { publicUrl: string; signedUrl: (assetId: string) => string },
): (d: WebhookDelivery) => Promise<string | null> {
  return async (d) => {
    if (d.generationId === null) return null;
    const prediction = await store.prediction(d.generationId);
    if (!prediction) return null;
    return JSON.stringify(predictionJson(generationAtDelivery(d), prediction, links));
  };
}
