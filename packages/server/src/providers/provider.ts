import type { Json, MediaKind, NormalisedInput } from '@reelay/catalog';

/** An input media file resolved by the worker before a provider starts. */
export interface ResolvedMedia {
  /** Model field it fills (`referenceAssetUris`) and its index in an array field, else null. */
  field: string;
  index: number | null;
  kind: MediaKind;
  assetId: string;
  mediaType: string;
  /** A local file path the bytes can be read from (always set for local storage). */
  path: string;
}

export interface Warning {
  code: string;
  message: string;
}

export interface StartCall {
  /** The generation id; stable across retries, usable as an idempotency key upstream. */
  generationId: string;
  model: string;
  type: 'video' | 'image' | 'audio';
  mode: string;
  variant: string;
  input: NormalisedInput;
  media: ResolvedMedia[];
  idempotencyKey: string;
  callbackUrl?: string;
  signal: AbortSignal;
}

export interface ProviderOutput {
  /** `https://…` for upstreams; `file://…` only from the local renderer's own work directory. */
  url: string;
  mediaType: string;
}

export type ProviderStatus =
  | { state: 'pending'; progress?: number }
  | { state: 'succeeded'; outputs: ProviderOutput[] }
  | { state: 'failed'; error: { code: string; message: string; retryable: boolean } };

/** Something that runs generations: an upstream API or the local renderer. */
export interface Provider {
  readonly id: string;
  /** Starts the work and returns what is needed to follow it, to be stored on the generation. */
  start(call: StartCall): Promise<{ operation: Json; warnings: Warning[] }>;
  /** Reports the state of started work; must be safe to call from any process, any number of times. */
  status(call: { operation: Json; signal: AbortSignal }): Promise<ProviderStatus>;
  cancel?(call: { operation: Json; signal: AbortSignal }): Promise<void>;
  /** Stops work this process runs itself (upstream work goes on and is resumed from its operation). */
  close?(): Promise<void>;
}
