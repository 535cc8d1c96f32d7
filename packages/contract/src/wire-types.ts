import type { z } from 'zod';
import type * as wire from './schemas.ts';

// The TypeScript types of the wire objects, inferred from their schemas (the output side: what the API sends).
export type Environment = z.infer<typeof wire.Environment>;
export type ModelType = z.infer<typeof wire.ModelType>;
export type MediaKind = z.infer<typeof wire.MediaKind>;
export type GenerationStatus = z.infer<typeof wire.GenerationStatus>;
export type Quote = z.infer<typeof wire.Quote>;
export type QuoteResult = z.infer<typeof wire.QuoteResult>;
export type Output = z.infer<typeof wire.Output>;
export type ProviderAttempt = z.infer<typeof wire.ProviderAttempt>;
export type Generation = z.infer<typeof wire.Generation>;
export type GenerationPage = z.infer<typeof wire.GenerationPage>;
export type GenerationEvent = z.infer<typeof wire.GenerationEvent>;
export type WebhookPayload = z.infer<typeof wire.WebhookPayload>;
export type Asset = z.infer<typeof wire.Asset>;
export type Account = z.infer<typeof wire.Account>;
export type Usage = z.infer<typeof wire.Usage>;
export type LedgerEntry = z.infer<typeof wire.LedgerEntry>;
export type LedgerPage = z.infer<typeof wire.LedgerPage>;
export type ApiKey = z.infer<typeof wire.ApiKey>;
export type NewApiKey = z.infer<typeof wire.NewApiKey>;
export type ApiKeyList = z.infer<typeof wire.ApiKeyList>;
export type AdminBalance = z.infer<typeof wire.AdminBalance>;
export type AdminAccount = z.infer<typeof wire.AdminAccount>;
export type AdminAccountPage = z.infer<typeof wire.AdminAccountPage>;
export type ProviderError = z.infer<typeof wire.ProviderError>;
export type ProviderHealth = z.infer<typeof wire.ProviderHealth>;
export type ProviderHealthReport = z.infer<typeof wire.ProviderHealthReport>;
export type QueueStatus = z.infer<typeof wire.QueueStatus>;
export type AdminWebhookDelivery = z.infer<typeof wire.AdminWebhookDelivery>;
export type AdminWebhookDeliveryPage = z.infer<typeof wire.AdminWebhookDeliveryPage>;
export type WebhookSecret = z.infer<typeof wire.WebhookSecret>;
export type WebhookDelivery = z.infer<typeof wire.WebhookDelivery>;
export type WebhookAttempt = z.infer<typeof wire.WebhookAttempt>;
export type WebhookDeliveryDetail = z.infer<typeof wire.WebhookDeliveryDetail>;
export type WebhookDeliveryPage = z.infer<typeof wire.WebhookDeliveryPage>;
export type ModelSummary = z.infer<typeof wire.ModelSummary>;
export type ModelList = z.infer<typeof wire.ModelList>;
export type ModelField = z.infer<typeof wire.ModelField>;
export type ModelPrice = z.infer<typeof wire.ModelPrice>;
export type ModelSlot = z.infer<typeof wire.ModelSlot>;
export type ModelDescription = z.infer<typeof wire.ModelDescription>;
export type FieldError = z.infer<typeof wire.FieldError>;
export type ErrorEnvelope = z.infer<typeof wire.ErrorEnvelope>;

/** The type a wire schema reads (`Infer<typeof wire.Generation>`), for packages without zod of their own. */
export type Infer<S extends z.ZodType> = z.infer<S>;
