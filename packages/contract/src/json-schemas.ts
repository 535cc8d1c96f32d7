import { type core, toJSONSchema, z } from 'zod';
import * as wire from './schemas.ts';

/** The wire objects named in the OpenAPI document's `components.schemas`, in the order they are listed. */
export const WIRE_COMPONENTS = {
  FieldError: wire.FieldError,
  Error: wire.ErrorEnvelope,
  Quote: wire.Quote,
  QuoteResult: wire.QuoteResult,
  Output: wire.Output,
  ProviderAttempt: wire.ProviderAttempt,
  Generation: wire.Generation,
  GenerationPage: wire.GenerationPage,
  GenerationEvent: wire.GenerationEvent,
  WebhookPayload: wire.WebhookPayload,
  Asset: wire.Asset,
  Account: wire.Account,
  Usage: wire.Usage,
  UsageExport: wire.UsageExport,
  UsageExportRow: wire.UsageExportRow,
  Alert: wire.Alert,
  AlertPage: wire.AlertPage,
  LedgerEntry: wire.LedgerEntry,
  LedgerPage: wire.LedgerPage,
  AdminAccount: wire.AdminAccount,
  AdminBalance: wire.AdminBalance,
  AdminAccountPage: wire.AdminAccountPage,
  ProviderError: wire.ProviderError,
  ProviderHealth: wire.ProviderHealth,
  ProviderHealthReport: wire.ProviderHealthReport,
  QueueStatus: wire.QueueStatus,
  UpstreamFinding: wire.UpstreamFinding,
  UpstreamPrice: wire.UpstreamPrice,
  UpstreamEndpointCheck: wire.UpstreamEndpointCheck,
  UpstreamRouteCheck: wire.UpstreamRouteCheck,
  UpstreamsCheckReport: wire.UpstreamsCheckReport,
  AdminWebhookDelivery: wire.AdminWebhookDelivery,
  AdminWebhookDeliveryPage: wire.AdminWebhookDeliveryPage,
  ApiKey: wire.ApiKey,
  NewApiKey: wire.NewApiKey,
  ApiKeyList: wire.ApiKeyList,
  AuditEvent: wire.AuditEvent,
  AuditPage: wire.AuditPage,
  WebhookSecret: wire.WebhookSecret,
  WebhookDelivery: wire.WebhookDelivery,
  WebhookDeliveryDetail: wire.WebhookDeliveryDetail,
  WebhookDeliveryPage: wire.WebhookDeliveryPage,
  ModelSummary: wire.ModelSummary,
  ModelList: wire.ModelList,
  Model: wire.ModelDescription,
} as const;

/** A JSON Schema as plain JSON. */
export type JsonSchema = { [key: string]: unknown };

const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/**
 * Drops what zod adds for its own checks but a reader of the document gains nothing from: the safe-integer bounds
 * of `.int()`, the long pattern beside `format: date-time`, and `propertyNames: {type: string}` of a record.
 */
function tidy(ctx: { jsonSchema: core.JSONSchema.BaseSchema }): void {
  const s = ctx.jsonSchema;
  if (s.type === 'integer' && s.minimum === -SAFE_INTEGER) delete s.minimum;
  if (s.type === 'integer' && s.maximum === SAFE_INTEGER) delete s.maximum;
  if (s.format === 'date-time' || s.format === 'uri') delete s.pattern;
  if (s.propertyNames && JSON.stringify(s.propertyNames) === '{"type":"string"}') delete s.propertyNames;
  if (s.additionalProperties && Object.keys(s.additionalProperties).length === 0)
    delete s.additionalProperties;
}

/**
 * The JSON Schema (2020-12, as OpenAPI 3.1 takes it) of every named wire object, each one referring to the others
 * as `#/components/schemas/<Name>`. Derived from the zod schemas, so the document cannot drift from the code.
 */
export function wireJsonSchemas(): Record<keyof typeof WIRE_COMPONENTS, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(WIRE_COMPONENTS)) registry.add(schema, { id });
  const { schemas } = toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
    override: tidy,
  });
  const out: Record<string, JsonSchema> = {};
  for (const id of Object.keys(WIRE_COMPONENTS)) {
    const { $schema: _s, $id: _i, ...schema } = (schemas[id] ?? {}) as JsonSchema;
    out[id] = schema;
  }
  return out as Record<keyof typeof WIRE_COMPONENTS, JsonSchema>;
}
