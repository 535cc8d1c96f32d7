import type { Readable } from 'node:stream';
import type { Json, MediaKind } from '@reelay/catalog';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { ApiDeps } from '../../api/deps.ts';
import { sendContent } from '../../api/send-content.ts';
import { assertHasBytes } from '../../assets/assets-service.ts';
import type { Principal } from '../../billing/api-keys.ts';
import { ApiError } from '../../errors.ts';
import type { GenerationRecord } from '../../generations/generation-record.ts';
import { newId } from '../../ids.ts';
import type { Owner } from '../../key-mode.ts';
import type { DeprecationNotice } from '../../lifecycle/lifecycles.ts';

/** A generation as the OpenAI shape reads it. */
export type CoreGeneration = Pick<
  GenerationRecord,
  | 'id'
  | 'accountId'
  | 'runMode'
  | 'type'
  | 'model'
  | 'status'
  | 'input'
  | 'mediaRefs'
  | 'progress'
  | 'outputs'
  | 'error'
  | 'createdAt'
  | 'completedAt'
  | 'retentionSeconds'
>;

/** A stored file as the OpenAI shape reads it. */
export interface CoreAsset {
  id: string;
  kind: MediaKind;
  mediaType: string;
  bytes: number;
  /** The generation that made it, for an output. */
  generationId: string | null;
  source: 'upload' | 'data' | 'url' | 'output';
}

/**
 * Everything the OpenAI shape asks of Reelay's core, in one place: creating, reading, listing and cancelling
 * generations, and storing, reading and removing files. The routes and mappings beside it use nothing else, so
 * pointing the shape at other services means changing this file only.
 */
export interface OpenAiCore {
  /** What an answer about a generation of a deprecated model says (`Deprecation`, `Sunset`); null otherwise. */
  deprecationOf(model: string): DeprecationNotice | null;
  /**
   * Creates a generation (`{type, model, input}`, Reelay's own request): one hold, one job. With a `webhookUrl`,
   * its webhooks are sent to it as OpenAI events.
   */
  createGeneration(
    principal: Principal,
    request: { type: string; model: string; input: Record<string, Json> },
    idempotencyKey: string | null,
    log: FastifyBaseLogger,
    webhookUrl?: string | null,
  ): Promise<CoreGeneration>;
  /** The account's generation, or null (another account's is as absent as a missing one). */
  findGeneration(owner: Owner, id: string): Promise<CoreGeneration | null>;
  /** One page of the account's generations, newest first, after the generation `afterId` when given. */
  listGenerations(
    owner: Owner,
    page: { afterId: string | null; limit: number; ascending: boolean },
  ): Promise<{ data: CoreGeneration[]; hasMore: boolean }>;
  /** Cancels a queued or running generation (its hold is released). */
  cancelGeneration(owner: Owner, id: string): Promise<CoreGeneration>;
  /** Waits up to `ms` for the generation to end; then its latest state. */
  waitForFinal(generation: CoreGeneration, ms: number, signal: AbortSignal): Promise<CoreGeneration>;
  /** Stores an uploaded file as an asset of the account. */
  uploadAsset(owner: Owner, file: Readable, declaredType: string | null): Promise<CoreAsset>;
  /** The account's asset, or null. */
  findAsset(owner: Owner, id: string): Promise<CoreAsset | null>;
  /** Deletes an asset and its bytes (a 409 while a queued or running generation uses it). */
  deleteAsset(owner: Owner, id: string): Promise<void>;
  /** Removes an asset stored for a request that was then refused; never throws. */
  discardAsset(owner: Owner, id: string): Promise<void>;
  /** Sends the asset's bytes (honouring a Range header). */
  sendAsset(reply: FastifyReply, owner: Owner, id: string, range: string | undefined): Promise<unknown>;
  /** All of an asset's bytes (for `b64_json`). */
  readAsset(owner: Owner, id: string): Promise<Buffer>;
  /** A local file holding the asset's bytes (for ffmpeg). */
  localFileOf(owner: Owner, id: string): Promise<string>;
  /** An expiring signed link to the asset that needs no key. */
  signedUrl(assetId: string): string;
  /** The ffmpeg program the gateway renders with. */
  readonly ffmpegPath: string;
  /** Hours a stored file is kept before it is swept (0: until deleted). */
  readonly retentionHours: number;
}

const coreAsset = (a: CoreAsset): CoreAsset => ({
  id: a.id,
  kind: a.kind,
  mediaType: a.mediaType,
  bytes: a.bytes,
  generationId: a.generationId,
  source: a.source,
});

/** Where the shape records which videos send their webhooks as OpenAI events (`store/openai-videos.ts`). */
export interface OpenAiWebhookShapes {
  insert(generationId: string, accountId: string): Promise<void>;
  delete(generationId: string): Promise<void>;
}

/** {@link OpenAiCore} over today's generations, assets and billing modules. */
export function openAiCore(deps: ApiDeps): OpenAiCore {
  const assetOf = async (owner: Owner, id: string) => {
    try {
      return await deps.assets.get(owner, id);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  };
  const mustAsset = async (owner: Owner, id: string) => {
    const asset = await assetOf(owner, id);
    if (!asset) throw new ApiError('not_found', 404, `No file with id ${id}.`);
    return asset;
  };
  return {
    deprecationOf: (model) => deps.generations.deprecationOf(model),
    ffmpegPath: deps.ffmpegPath,
    retentionHours: deps.assetRetentionHours,
    async createGeneration(principal, request, idempotencyKey, log, webhookUrl = null) {
      if (webhookUrl === null) {
        return (await deps.generations.create(principal, request, idempotencyKey, log)).generation;
      }
      // The shape is recorded under the new generation's id before it exists, so no delivery goes out in another.
      const id = newId('gen');
      await deps.openAiVideos.insert(id, principal.accountId);
      let made: string | null = null;
      try {
        const { generation } = await deps.generations.create(
          principal,
          { ...request, webhookUrl },
          idempotencyKey,
          log,
          id,
        );
        made = generation.id;
        return generation;
      } finally {
        if (made !== id) await deps.openAiVideos.delete(id);
      }
    },
    findGeneration: (owner, id) => deps.generations.find(owner, id),
    async listGenerations(owner, page) {
      const result = await deps.generations.list(owner, {
        limit: page.limit,
        cursor: page.afterId,
        status: null,
        model: null,
        ascending: page.ascending,
      });
      return { data: result.data, hasMore: result.nextCursor !== null };
    },
    cancelGeneration: (owner, id) => deps.generations.cancel(owner, id),
    async waitForFinal(generation, ms, signal) {
      await deps.events.waitForFinal(generation.id, ms, signal);
      return (await deps.generations.load(generation.id)) ?? generation;
    },
    async uploadAsset(owner, file, declaredType) {
      return coreAsset(await deps.assets.upload(owner, file, { declaredType }));
    },
    async findAsset(owner, id) {
      const asset = await assetOf(owner, id);
      return asset ? coreAsset(asset) : null;
    },
    deleteAsset: (owner, id) => deps.assets.delete(owner, id),
    async discardAsset(owner, id) {
      const asset = await assetOf(owner, id).catch(() => null);
      if (asset) await deps.assets.discard(asset).catch(() => undefined);
    },
    async sendAsset(reply, owner, id, range) {
      const asset = await mustAsset(owner, id);
      return sendContent(reply, deps.assets, asset, range, 'private, max-age=3600');
    },
    async readAsset(owner, id) {
      const asset = await mustAsset(owner, id);
      const chunks: Buffer[] = [];
      for await (const chunk of await deps.assets.read(asset)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async localFileOf(owner, id) {
      const asset = await mustAsset(owner, id);
      assertHasBytes(asset);
      return deps.assets.localFile(asset.storageKey);
    },
    signedUrl: (assetId) => deps.assets.signedFileUrl(assetId),
  };
}
