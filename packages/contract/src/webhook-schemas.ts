import { z } from 'zod';
import { nullableTimestamp, timestamp, wholeNumber } from './wire-fields.ts';

/** The account's webhook signing secret, and until when the previous one still signs. */
export const WebhookSecret = z.strictObject({
  secret: z.string().meta({ examples: ['whsec_…'] }),
  rotatedAt: timestamp,
  previousSecretExpiresAt: nullableTimestamp,
});

/** One webhook: the event it tells of, where it goes and how sending it went. */
export const WebhookDelivery = z.strictObject({
  id: z.string(),
  generationId: z
    .string()
    .nullable()
    .meta({ description: 'The generation it tells of; `null` for an alert.' }),
  eventType: z.string().meta({ examples: ['generation.succeeded'] }),
  url: z.string(),
  state: z.enum(['pending', 'succeeded', 'failed']),
  attempts: wholeNumber,
  lastStatus: wholeNumber.nullable().meta({ description: 'The HTTP status of the last attempt.' }),
  lastError: z.string().nullable(),
  nextAttemptAt: nullableTimestamp.meta({ description: 'While pending: when it is sent next.' }),
  createdAt: timestamp,
  deliveredAt: nullableTimestamp,
});

/** One try at sending a delivery. */
export const WebhookAttempt = z.strictObject({
  startedAt: timestamp,
  durationMs: wholeNumber,
  status: wholeNumber.nullable(),
  error: z.string().nullable(),
});

/** A delivery with every try at sending it. */
export const WebhookDeliveryDetail = WebhookDelivery.extend({ attemptLog: z.array(WebhookAttempt) });

/** `GET /api/v1/webhooks/deliveries`: a page, newest first. */
export const WebhookDeliveryPage = z.strictObject({
  data: z.array(WebhookDelivery),
  nextCursor: z.string().nullable().meta({ description: 'Pass it as `cursor` for the next page.' }),
});
