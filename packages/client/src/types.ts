import type { GenerationStatus, ModelType } from '@reelay/contract';
import type { ModelInputs } from './model-inputs.ts';

// The objects the API answers with come from the wire contract, type-only: the browser bundle gains no code.
export type {
  Account,
  Alert,
  AlertPage,
  ApiKey,
  ApiKeyList,
  Asset,
  ErrorEnvelope,
  Generation,
  GenerationEvent,
  GenerationPage,
  GenerationStatus,
  LedgerEntry,
  LedgerPage,
  ModelDescription,
  ModelField,
  ModelList,
  ModelPrice,
  ModelSlot,
  ModelSummary,
  ModelType,
  NewApiKey,
  Output,
  ProviderAttempt,
  Quote,
  QuoteResult,
  UpstreamEndpointCheck,
  UpstreamFinding,
  UpstreamPrice,
  UpstreamRouteCheck,
  UpstreamsCheckReport,
  Usage,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookDeliveryPage,
  WebhookPayload,
  WebhookSecret,
} from '@reelay/contract';
export type KnownModel = keyof ModelInputs;

/** A request for a model of the catalog this SDK was generated from: typed field by field. */
export type KnownGenerationRequest<M extends KnownModel = KnownModel> = {
  [K in M]: {
    type: ModelInputs[K]['type'];
    model: K;
    input: ModelInputs[K]['input'];
    webhookUrl?: string;
    retention?: Retention;
    /** `false`: store the outputs without a C2PA manifest (refused with a 422 unless the gateway allows it). */
    provenance?: boolean;
  };
}[M];

/**
 * How long a generation's outputs and the inputs it stores are kept: whole seconds, or an ISO-8601 duration in
 * days, hours, minutes and seconds (`'P7D'`, `'PT12H'`); 60 seconds to 365 days. Unset: the key's default, else
 * the server's setting.
 */
export type Retention = number | string;

/** A request for a model this SDK does not know (added to the gateway later): typed loosely. */
export interface LooseGenerationRequest {
  type: ModelType;
  model: string;
  input: Record<string, unknown>;
  /** An https URL told of every state change (verify it with `webhooks.verify`). */
  webhookUrl?: string;
  retention?: Retention;
  /** `false`: store the outputs without a C2PA manifest (refused with a 422 unless the gateway allows it). */
  provenance?: boolean;
}

/** `{type, model, input}`: exact for known model ids, loose for others. */
export type GenerationRequest<M extends string = string> = [M] extends [KnownModel]
  ? KnownGenerationRequest<M>
  : LooseGenerationRequest;

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** What `generations.wait` reports on the way. */
export interface WaitProgress {
  status: GenerationStatus;
  /** 0 to 1, when known. */
  progress: number | null;
  /** How the client is following: the event stream, or polling when there is none. */
  via: 'events' | 'polling';
}
