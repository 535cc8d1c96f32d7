import { z } from 'zod';
import { timestamp, wholeNumber } from './wire-fields.ts';

/** One difference between what a mapping sends and what its upstream publishes. */
export const UpstreamFinding = z.strictObject({
  kind: z.enum(['field_removed', 'required_missing', 'enum_changed', 'type_changed', 'price_changed']),
  severity: z.enum(['breaking', 'warning', 'info']).meta({
    description:
      'breaking: a request the mapping builds would be refused or misread now; warning: worth a look; info: news.',
  }),
  model: z.string(),
  upstream: z.string(),
  endpoint: z.string().meta({ examples: ['fal-ai/kling-video/o3/standard/text-to-video'] }),
  field: z.string().nullable().meta({ description: 'The body field; `null` for a price.' }),
  message: z.string(),
});

/** A price: per unit, in a currency. */
export const UpstreamPrice = z.strictObject({
  unitPrice: z.number(),
  unit: z.string().meta({ examples: ['second', 'image'] }),
  currency: z.string().meta({ examples: ['USD'] }),
});

/** One upstream endpoint a mapping sends to, as checked. */
export const UpstreamEndpointCheck = z.strictObject({
  endpoint: z.string(),
  status: z.enum(['checked', 'failed']).meta({
    description: 'failed: its published schema could not be read (see `error`).',
  }),
  error: z.string().nullable(),
  schemaUrl: z.string().nullable().meta({ description: 'Where its published schema was read.' }),
  requests: wholeNumber.meta({ description: 'How many of the probed inputs the mapping sent there.' }),
  fields: z.array(z.string()).meta({ description: 'The body fields the mapping sends there.' }),
  price: z.strictObject({
    status: z.enum(['checked', 'not_published', 'unchecked']).meta({
      description:
        'checked: compared with the published price (or shown, when the mapping assumes none); ' +
        'not_published: the upstream publishes no price to read; unchecked: it could not be read (see `error`).',
    }),
    assumed: UpstreamPrice.nullable(),
    published: UpstreamPrice.nullable(),
    error: z.string().nullable(),
  }),
});

/** One route (a model on an upstream) as checked. */
export const UpstreamRouteCheck = z.strictObject({
  model: z.string(),
  upstream: z.string(),
  source: z.string().meta({ description: "The upstream's page the mapping follows." }),
  status: z.enum(['checked', 'incomplete', 'skipped']).meta({
    description: 'incomplete: some endpoint could not be checked; skipped: nothing to check (see `reason`).',
  }),
  reason: z.string().nullable(),
  endpoints: z.array(UpstreamEndpointCheck),
  findings: z.array(UpstreamFinding),
});

/** `POST /api/v1/admin/upstreams/check`: every route's mapping against its upstream's published schema. */
export const UpstreamsCheckReport = z.strictObject({
  checkedAt: timestamp,
  breaking: z.boolean().meta({ description: 'Whether any finding is breaking.' }),
  complete: z.boolean().meta({ description: 'Whether every route not skipped was checked in full.' }),
  counts: z.strictObject({ breaking: wholeNumber, warning: wholeNumber, info: wholeNumber }),
  routes: z.array(UpstreamRouteCheck),
});
