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
  bytes: number;
  /** A URL an upstream can fetch the file from, when the gateway can give one; null otherwise. */
  url: string | null;
}

export interface Warning {
  code: string;
  message: string;
  /** The request field it is about (`input.referenceVideo`), where one field is. */
  param?: string;
}

/** A stored input file as an upstream's own file hand-over reads it. */
export interface HandOverFile {
  assetId: string;
  kind: MediaKind;
  mediaType: string;
  bytes: number;
  /** A local file the bytes are streamed from (never read whole into memory, except to inline them). */
  path: string;
}

/** What an upstream was given for a file: the value to send for it, and until when it stays valid (ms epoch). */
export interface HandedOver {
  url: string;
  expiresAt: number | null;
}

/**
 * How an upstream takes files it cannot fetch from this gateway: `upload` stores them at the upstream (once per
 * asset, reused while valid), `inline` sends them inside the request (never stored).
 */
export interface FileHandOver {
  readonly way: 'upload' | 'inline';
  /** Whether it can take this file this way at all (kind, type, size). */
  accepts(file: { kind: MediaKind; mediaType: string; bytes: number }): boolean;
  handOver(file: HandOverFile, signal: AbortSignal): Promise<HandedOver>;
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
  | {
      state: 'pending';
      progress?: number;
      /**
       * When to ask again, where the provider knows better than its poll interval (the local renderer, for work
       * waiting for a render slot: it wakes that work itself when a slot frees, so it is asked only rarely).
       */
      askAgainMs?: number;
    }
  | { state: 'succeeded'; outputs: ProviderOutput[] }
  | { state: 'failed'; error: { code: string; message: string; retryable: boolean } };

/** What a provider makes of a request before anything is sent. */
export interface Assessment {
  /** Inputs it cannot honour at all: it must not run the generation. */
  problems: Warning[];
  /** Inputs it honours only in part (recorded on the generation when it runs there). */
  warnings: Warning[];
}

/** A callback request as received: headers in lower case and the raw body bytes. */
export interface CallbackRequest {
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
}

/** Something that runs generations: an upstream API or the local renderer. */
export interface Provider {
  readonly id: string;
  /** True when starting the same generation again runs it once (so a lost start may simply be repeated). */
  readonly startIsIdempotent?: boolean;
  /** How it takes input files without a public link to them (unset: only by link). */
  readonly files?: FileHandOver;
  /** Whether it runs this request faithfully, in part, or not at all (unset: it runs everything). */
  assess?(call: Omit<StartCall, 'signal' | 'idempotencyKey' | 'callbackUrl'>): Assessment;
  /**
   * Starts the work and returns what is needed to follow it, to be stored on the generation, plus the
   * upstream's id of the work when it has one. Upstream errors are thrown as `UpstreamError`.
   */
  start(call: StartCall): Promise<{ operation: Json; warnings: Warning[]; upstreamId?: string }>;
  /**
   * After a start whose outcome is unknown (the process died or the answer was lost): the operation of
   * the work the upstream already has for this generation, or null when it has none. Providers without
   * an id of the caller's to look up leave it out, and such generations are never started twice.
   */
  findStarted?(call: {
    generationId: string;
    signal: AbortSignal;
  }): Promise<{ operation: Json; upstreamId: string } | null>;
  /**
   * Checks a callback the upstream sent (its signature, where it signs them) and names the work it is
   * about. It is only a hint: the worker asks `status` before trusting anything. Throws when invalid.
   */
  parseCallback?(request: CallbackRequest): Promise<{ upstreamId: string }>;
  /** Reports the state of started work; must be safe to call from any process, any number of times. */
  status(call: { operation: Json; signal: AbortSignal }): Promise<ProviderStatus>;
  cancel?(call: { operation: Json; signal: AbortSignal }): Promise<void>;
  /** Starts background work a worker process does for this provider (the local renderer's lease renewals). */
  startWork?(): void;
  /** Stops work this process runs itself (upstream work goes on and is resumed from its operation). */
  close?(): Promise<void>;
}
