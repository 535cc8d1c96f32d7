import type { OpenAiVideosStore } from '../../store/openai-videos.ts';
import type { WebhookDelivery } from '../../webhooks/webhook-deliveries.ts';

/** OpenAI's event for a video that has ended: `video.completed`, else `video.failed` (failed or canceled). */
export function openAiVideoEvent(
  d: Pick<WebhookDelivery, 'id' | 'eventType' | 'createdAt'> & { generationId: string },
) {
  return {
    id: `evt_${d.id.replace(/^msg_/, '')}`,
    object: 'event' as const,
    type: d.eventType === 'generation.succeeded' ? ('video.completed' as const) : ('video.failed' as const),
    created_at: Math.floor(d.createdAt.getTime() / 1000),
    data: { id: d.generationId },
  };
}

/**
 * The body of a webhook delivery of a video made through the OpenAI shape with a `webhook_url`: the event as
 * OpenAI sends it (the video's id only; the receiver reads the video itself); null for any other generation.
 * Only ends are sent at all (a trigger in `014_openai_videos.sql` drops the rest).
 */
export function openAiWebhookBody(store: OpenAiVideosStore): (d: WebhookDelivery) => Promise<string | null> {
  return async (d) => {
    const id = d.generationId;
    return id !== null && (await store.has(id))
      ? JSON.stringify(openAiVideoEvent({ ...d, generationId: id }))
      : null;
  };
}
