import type { Json, NormalisedInput, Quote } from '@reelay/catalog';
import type { KeyMode, Owner } from '../key-mode.ts';
import type { ProvenanceState } from '../provenance/provenance-signer.ts';
import type { ProviderAttempt } from './provider-attempts.ts';

export type GenerationStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';
export const FINAL_STATUSES: readonly GenerationStatus[] = ['succeeded', 'failed', 'canceled'];

export interface GenerationOutput {
  assetId: string;
  mediaType: string;
  bytes: number;
  width?: number;
  height?: number;
  durationSeconds?: number;
  hasAudio?: boolean;
  /** Whether it has a thumbnail (made from the stored file when its link is first asked for). */
  thumbnail?: boolean;
  /** What became of its C2PA manifest (absent for outputs stored before manifests were made). */
  provenance?: ProvenanceState;
}

/**
 * One input file of a generation: the media field (a slot of the model in the catalog) it fills, its index in a
 * list field (null for a one-file slot) and the asset holding it. Recorded when the generation is created.
 */
export interface GenerationMediaRef {
  field: string;
  index: number | null;
  assetId: string;
}

/** Why and since when a generation's upstream outcome is being found out (`since` an ISO timestamp). */
export interface Reconciling {
  code: string;
  message: string;
  since: string;
}

export interface GenerationRecord {
  id: string;
  accountId: string;
  keyId: string;
  runMode: KeyMode;
  type: 'video' | 'image' | 'audio';
  model: string;
  mode: string;
  variant: string;
  status: GenerationStatus;
  input: NormalisedInput;
  /** The input's media, from the model's media fields only: what the worker resolves and deletion keeps. */
  mediaRefs: GenerationMediaRef[];
  quote: Quote;
  holdMilli: number;
  chargedMilli: number | null;
  provider: string | null;
  operation: Json | null;
  startRequestedAt: Date | null;
  progress: number | null;
  outputs: GenerationOutput[];
  error: { code: string; message: string } | null;
  warnings: { code: string; message: string }[];
  attempts: number;
  /** Every call that asked an upstream to start it (generations/provider-attempts.ts). */
  providerAttempts: ProviderAttempt[];
  /** Upstream calls that failed in a row since the last that went through. */
  providerRetries: number;
  /**
   * Set while the outcome of its upstream work is unknown and the worker keeps asking the upstream: why
   * (`upstream_unreachable`, `start_answer_lost`, `deadline_exceeded`, `cancel_requested`) and since when.
   */
  reconciling: Reconciling | null;
  /** The upstream is to be told to stop (past its deadline, or canceled) and the generation settled from its answer. */
  stopRequested: 'deadline' | 'cancel' | null;
  /** When that stop went out to the upstream (sent once). */
  stopSentAt: Date | null;
  /** Times an expired output URL was asked of the upstream again. */
  outputRefreshes: number;
  idempotencyKey: string | null;
  requestHash: string | null;
  /** Where status changes are posted (Standard Webhooks), or null. */
  webhookUrl: string | null;
  /** The only providers it may run on (the allowlist of the live key that made it); null or absent: any of its route. */
  allowedProviders?: readonly string[] | null;
  /** The trace it was created in (W3C traceparent) when tracing was on, for the worker to continue. */
  traceContext: string | null;
  /** How long its inputs and outputs are kept, as chosen at create (the request's, else its key's); null: the server's setting. */
  retentionSeconds: number | null;
  /** Whether its outputs get a C2PA manifest: false only when its request turned it off (where the operator allows). */
  provenance: boolean;
  /** When its outputs (and the inputs it alone used) were deleted on request or expired; null while they are kept. */
  mediaDeletedAt: Date | null;
  mediaDeletedReason: 'deleted' | 'expired' | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

/** Whose world a generation lives in: its account, in the mode of the key that created it. */
export const ownerOf = (g: Pick<GenerationRecord, 'accountId' | 'runMode'>): Owner => ({
  accountId: g.accountId,
  mode: g.runMode,
});
