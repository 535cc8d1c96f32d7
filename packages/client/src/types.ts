import type { ModelInputs } from './model-inputs.ts';

export type ModelType = 'video' | 'image' | 'audio';
export type GenerationStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
export type KnownModel = keyof ModelInputs;

/** A request for a model of the catalog this SDK was generated from: typed field by field. */
export type KnownGenerationRequest<M extends KnownModel = KnownModel> = {
  [K in M]: { type: ModelInputs[K]['type']; model: K; input: ModelInputs[K]['input']; webhookUrl?: string };
}[M];

/** A request for a model this SDK does not know (added to the gateway later): typed loosely. */
export interface LooseGenerationRequest {
  type: ModelType;
  model: string;
  input: Record<string, unknown>;
  /** An https URL told of every state change (verify it with `webhooks.verify`). */
  webhookUrl?: string;
}

/** `{type, model, input}`: exact for known model ids, loose for others. */
export type GenerationRequest<M extends string = string> = [M] extends [KnownModel]
  ? KnownGenerationRequest<M>
  : LooseGenerationRequest;

/** A stored media file produced by a generation. */
export interface Output {
  uri: string;
  /** Download it with the key (`client.assets.download`). */
  url: string;
  mediaType: string;
  bytes: number;
  width?: number;
  height?: number;
  durationSeconds?: number;
  hasAudio?: boolean;
}

export interface Quote {
  tokens: number;
  tokensPerSecond?: number;
  seconds?: number;
}

export interface Generation {
  id: string;
  type: ModelType;
  model: string;
  mode: string;
  variant: string;
  status: GenerationStatus;
  environment?: 'test' | 'live';
  provider?: string | null;
  /** The normalised input: defaults applied. */
  input: Record<string, unknown>;
  quote: Quote;
  chargedTokens?: number | null;
  /** 0 to 1 while running, when the provider reports it. */
  progress?: number | null;
  outputs: Output[];
  error: { code: string; message: string } | null;
  warnings?: { code: string; message: string }[];
  webhookUrl?: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

export interface QuoteResult extends Quote {
  model: string;
  mode: string;
  variant: string;
  input: Record<string, unknown>;
}

export interface Asset {
  id: string;
  uri: string;
  url: string;
  kind: 'image' | 'video' | 'audio';
  mediaType: string;
  bytes: number;
  sha256: string;
  width?: number;
  height?: number;
  durationSeconds?: number;
  hasAudio?: boolean;
  createdAt?: string;
}

export interface ModelSummary {
  id: string;
  type: ModelType;
  title: string;
  provider: string;
  description: string;
  fromTokensPerSecond?: number;
  fromTokens?: number;
  modes: string[];
}

/** One input field of a model, as `GET /api/v1/models/{id}` describes it. */
export interface ModelField {
  name: string;
  /** In the asked `locale` (`Reference video`, `Vídeo de referencia`); a scalar field's label is its name. */
  label: string;
  type: 'string' | 'number' | 'boolean' | 'array';
  required: boolean;
  default: unknown;
  description: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  step?: number;
  unit?: string;
  maxLength?: number;
  media?: { kind: 'image' | 'video' | 'audio'; schemes: string[]; maxItems?: number };
}

export interface ModelDescription extends ModelSummary {
  fields: ModelField[];
  inputSchema: Record<string, unknown>;
  pricing: {
    variant: string;
    /** In the asked `locale` (`720p · Audio`, `720p · Con audio`). */
    label: string;
    unit: string;
    tokensPerSecond?: number;
    tokens?: number;
    default?: boolean;
  }[];
  slots: { name: string; kind: string; array: boolean; maxItems?: number; required: boolean }[];
  exampleInput: Record<string, unknown>;
}

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
