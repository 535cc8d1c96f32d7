import { z } from 'zod';
import { AdminAccount } from './account-schemas.ts';
import { WebhookDelivery } from './webhook-schemas.ts';
import { Environment, nullableTimestamp, timestamp, wholeNumber } from './wire-fields.ts';

/** `GET /api/v1/admin/accounts`: accounts, newest first, each with both balances. */
export const AdminAccountPage = z.strictObject({
  data: z.array(AdminAccount),
  nextCursor: z.string().nullable().meta({ description: 'Pass it as `cursor` for the next page.' }),
});

/** A start call that went wrong, as the operator sees it. */
export const ProviderError = z.strictObject({
  generationId: z.string(),
  outcome: z.enum(['rejected', 'deferred', 'unknown', 'failed']),
  code: z.string(),
  message: z.string(),
  at: timestamp,
});

/** How one provider has done over the window: its start calls, their outcomes, run times and slots. */
export const ProviderHealth = z.strictObject({
  provider: z.string().meta({ examples: ['kling', 'local'] }),
  configured: z
    .boolean()
    .meta({ description: 'Whether this gateway has the provider (credentials, or local).' }),
  attempts: wholeNumber.meta({ description: 'Calls that asked it to start work in the window.' }),
  outcomes: z.record(z.string(), wholeNumber).meta({
    description: 'Attempts by outcome: requested, accepted, rejected, deferred, unknown, succeeded, failed.',
  }),
  failureRate: z.number().nullable().meta({
    description: 'Failed and rejected attempts over those that ended (0–1); `null` when none ended.',
  }),
  latencySeconds: z
    .strictObject({ median: z.number(), p95: z.number(), samples: wholeNumber })
    .nullable()
    .meta({ description: 'From start to completion of the generations it finished; `null` when none did.' }),
  slots: z.strictObject({
    inUse: wholeNumber.meta({ description: 'Slots held now by queued or running generations.' }),
    cap: wholeNumber.nullable().meta({ description: 'Generations it may run at once; `null`: no cap.' }),
  }),
  lastErrors: z.array(ProviderError).meta({ description: 'The latest errors, newest first (at most 5).' }),
});

/** `GET /api/v1/admin/providers`: every provider configured or seen in the window. */
export const ProviderHealthReport = z.strictObject({
  since: timestamp,
  data: z.array(ProviderHealth),
});

/** `GET /api/v1/admin/queue`: work waiting and running, over every account. */
export const QueueStatus = z.strictObject({
  queued: wholeNumber,
  running: wholeNumber,
  oldestQueuedAt: nullableTimestamp.meta({
    description: 'When the longest-waiting queued generation was made.',
  }),
  oldestQueuedSeconds: z.number().nullable().meta({ description: 'How long it has waited.' }),
  oldestRunningAt: nullableTimestamp.meta({ description: 'When the longest-running generation started.' }),
  dueJobs: wholeNumber.meta({ description: 'Jobs due now that no worker holds.' }),
});

/** A webhook delivery as the operator sees it: whose it is. */
export const AdminWebhookDelivery = WebhookDelivery.extend({ accountId: z.string(), mode: Environment });

/** `GET /api/v1/admin/webhooks/deliveries`: deliveries of every account, newest first. */
export const AdminWebhookDeliveryPage = z.strictObject({
  data: z.array(AdminWebhookDelivery),
  nextCursor: z.string().nullable().meta({ description: 'Pass it as `cursor` for the next page.' }),
});
