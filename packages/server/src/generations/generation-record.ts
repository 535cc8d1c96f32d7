import type { Json, NormalisedInput, Quote } from '@reelay/catalog';
import type { Queryable } from '../db/database.ts';
import type { KeyMode } from '../key-mode.ts';
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
  idempotencyKey: string | null;
  requestHash: string | null;
  /** Where status changes are posted (Standard Webhooks), or null. */
  webhookUrl: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

type Row = Record<string, unknown>;

export function generationFromRow(r: Row): GenerationRecord {
  return {
    id: r.id as string,
    accountId: r.account_id as string,
    keyId: r.key_id as string,
    runMode: r.run_mode as KeyMode,
    type: r.type as GenerationRecord['type'],
    model: r.model as string,
    mode: r.mode as string,
    variant: r.variant as string,
    status: r.status as GenerationStatus,
    input: r.input as NormalisedInput,
    mediaRefs: (r.media_refs as GenerationMediaRef[] | undefined) ?? [],
    quote: r.quote as Quote,
    holdMilli: r.hold_milli as number,
    chargedMilli: (r.charged_milli as number | null) ?? null,
    provider: (r.provider as string | null) ?? null,
    operation: (r.operation as Json | null) ?? null,
    startRequestedAt: (r.start_requested_at as Date | null) ?? null,
    progress: (r.progress as number | null) ?? null,
    outputs: r.outputs as GenerationOutput[],
    error: (r.error as GenerationRecord['error']) ?? null,
    warnings: r.warnings as GenerationRecord['warnings'],
    attempts: r.attempts as number,
    providerAttempts: (r.provider_attempts as ProviderAttempt[] | undefined) ?? [],
    providerRetries: (r.provider_retries as number | undefined) ?? 0,
    idempotencyKey: (r.idempotency_key as string | null) ?? null,
    requestHash: (r.request_hash as string | null) ?? null,
    webhookUrl: (r.webhook_url as string | null) ?? null,
    createdAt: r.created_at as Date,
    startedAt: (r.started_at as Date | null) ?? null,
    completedAt: (r.completed_at as Date | null) ?? null,
  };
}

export async function loadGeneration(db: Queryable, id: string): Promise<GenerationRecord | null> {
  const rows = await db.query('SELECT * FROM generations WHERE id = $1', [id]);
  return rows[0] ? generationFromRow(rows[0]) : null;
}

/** The generation if it belongs to `accountId`; another account's is as absent as a missing one. */
export async function findGeneration(
  db: Queryable,
  accountId: string,
  id: string,
): Promise<GenerationRecord | null> {
  const rows = await db.query('SELECT * FROM generations WHERE id = $1 AND account_id = $2', [id, accountId]);
  return rows[0] ? generationFromRow(rows[0]) : null;
}
