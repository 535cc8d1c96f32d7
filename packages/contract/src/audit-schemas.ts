import { z } from 'zod';
import { jsonObject, timestamp, wholeNumber } from './wire-fields.ts';

/** One change recorded in the operator's audit log. */
export const AuditEvent = z.strictObject({
  id: wholeNumber,
  action: z.string().meta({
    examples: [
      'key.created',
      'key.revoked',
      'key.allowlists_changed',
      'key.retention_changed',
      'key.alert_thresholds_changed',
      'balance.granted',
      'account.limits_changed',
    ],
  }),
  actor: z.string().meta({ description: '`admin` (the admin key), or the id of the API key that asked.' }),
  clientIp: z
    .string()
    .nullable()
    .meta({ description: 'The address the request came from, as the gateway saw it.' }),
  accountId: z.string().nullable(),
  targetId: z.string().nullable().meta({ description: 'The key or account changed.' }),
  details: jsonObject.meta({ description: 'What changed: the new values, and for settings the old ones.' }),
  createdAt: timestamp,
});

/** `GET /api/v1/audit`: a page of events, newest first. */
export const AuditPage = z.strictObject({
  data: z.array(AuditEvent),
  nextCursor: z.string().nullable().meta({ description: 'Pass it as `cursor` for the next page.' }),
});
