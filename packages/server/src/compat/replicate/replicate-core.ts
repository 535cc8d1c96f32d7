import type { Readable } from 'node:stream';
import type { ApiDeps } from '../../api/deps.ts';
import type { AssetRecord } from '../../assets/asset-record.ts';
import type { Principal } from '../../billing/api-keys.ts';
import { type GenerationRecord, ownerOf } from '../../generations/generation-record.ts';
import { parseListQuery } from '../../generations/list-generations.ts';
import { newId } from '../../ids.ts';
import type { Owner } from '../../key-mode.ts';
import type { DeprecationNotice } from '../../lifecycle/lifecycles.ts';
import type { ReplicateStore } from '../../store/replicate-predictions.ts';

/** A generation request in Reelay's own shape (`POST /api/v1/generations`). */
export interface CoreGenerationRequest {
  type: string;
  model: string;
  input: Record<string, unknown>;
  webhookUrl?: string;
}

/**
 * Everything the Replicate shape asks of Reelay's core, in one place: the same generations, ledger, assets and
 * webhook secrets as Reelay's own API. Pointing the shape at other services means changing this file only.
 */
export interface ReplicateCore {
  /** What an answer about a generation of a deprecated model says (`Deprecation`, `Sunset`); null otherwise. */
  deprecationOf(model: string): DeprecationNotice | null;
  /** A fresh generation id, chosen before the create so the shape's own row can be written first. */
  newGenerationId(): string;
  /** Creates (or, for a repeated Idempotency-Key, finds) a generation: one hold, one job. */
  create(
    principal: Principal,
    request: CoreGenerationRequest,
    idempotencyKey: string | null,
    id: string,
  ): Promise<{ generation: GenerationRecord; created: boolean }>;
  /** Waits up to `ms` (woken by events) for the generation to end; then its latest state. */
  awaitFinal(generation: GenerationRecord, ms: number, signal: AbortSignal): Promise<GenerationRecord>;
  find(owner: Owner, id: string): Promise<GenerationRecord | null>;
  /** The generation whoever's it is: only for sweeps that act on rows they already hold (a deadline). */
  load(id: string): Promise<GenerationRecord | null>;
  /** A page of the account's generations, newest first; `cursor` as a previous page gave it. */
  list(
    owner: Owner,
    page: { limit: number; cursor: string | null },
  ): Promise<{ data: GenerationRecord[]; nextCursor: string | null }>;
  /** Cancels a queued or running generation and releases its hold (409 when it has already ended). */
  cancel(owner: Owner, id: string): Promise<GenerationRecord>;
  /** Stores a file as an asset of the account (streamed, sniffed, probed). */
  upload(owner: Owner, file: Readable, declaredType: string | null): Promise<AssetRecord>;
  /** The account's asset (404 when it has none of that id). */
  asset(owner: Owner, id: string): Promise<AssetRecord>;
  /** Deletes the account's asset (409 while a queued or running generation uses it). */
  deleteAsset(owner: Owner, id: string): Promise<void>;
  /** An expiring link that serves the asset without a key. */
  signedUrl(assetId: string): string;
  /** The Standard Webhooks secret that signs the account's (mode's) webhooks. */
  webhookSecret(principal: Principal): Promise<string>;
}

/** The Replicate shape's part of the HTTP layer's dependencies: the core it calls and its own rows. */
export interface ReplicateShape {
  core: ReplicateCore;
  store: ReplicateStore;
}

/** The core as the gateway has it: the services the HTTP layer is given. */
export function replicateCoreOf(deps: ApiDeps): ReplicateCore {
  return {
    deprecationOf: (model) => deps.generations.deprecationOf(model),
    newGenerationId: () => newId('gen'),
    create: (principal, request, idempotencyKey, id) =>
      deps.generations.create(principal, request, idempotencyKey, silentLog, id),
    async awaitFinal(generation, ms, signal) {
      await deps.events.waitForFinal(generation.id, ms, signal);
      return (await deps.generations.find(ownerOf(generation), generation.id)) ?? generation;
    },
    find: (owner, id) => deps.generations.find(owner, id),
    load: (id) => deps.generations.load(id),
    list: (owner, page) =>
      deps.generations.list(
        owner,
        parseListQuery({
          limit: String(page.limit),
          ...(page.cursor !== null ? { cursor: page.cursor } : {}),
        }),
      ),
    cancel: (owner, id) => deps.generations.cancel(owner, id),
    upload: (owner, file, declaredType) => deps.assets.upload(owner, file, { declaredType }),
    asset: (owner, id) => deps.assets.get(owner, id),
    deleteAsset: (owner, id) => deps.assets.delete(owner, id),
    signedUrl: (assetId) => deps.assets.signedFileUrl(assetId),
    webhookSecret: async (principal) => (await deps.webhooks.secretOf(principal)).secret,
  };
}

/** Inputs of a refused create that cannot be removed are kept; the shape has no request log to tell. */
const silentLog = { warn: () => {} };
