import type { Readable } from 'node:stream';
import type { Json, MediaKind } from '@reelay/catalog';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { ApiDeps } from '../../api/deps.ts';
import { sendContent } from '../../api/send-content.ts';
import type { Principal } from '../../billing/api-keys.ts';
import { ApiError } from '../../errors.ts';
import { cancelGeneration } from '../../generations/cancel-generation.ts';
import { checkRoute } from '../../generations/check-route.ts';
import { createGeneration } from '../../generations/create-generation.ts';
import {
  findGeneration,
  type GenerationRecord,
  loadGeneration,
} from '../../generations/generation-record.ts';
import { jobWakeUp } from '../../generations/job-queue.ts';
import { listGenerations } from '../../generations/list-generations.ts';

/** A generation as the OpenAI shape reads it. */
export type CoreGeneration = Pick<
  GenerationRecord,
  | 'id'
  | 'accountId'
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
  /** Creates a generation (`{type, model, input}`, Reelay's own request): one hold, one job. */
  createGeneration(
    principal: Principal,
    request: { type: string; model: string; input: Record<string, Json> },
    idempotencyKey: string | null,
    log: FastifyBaseLogger,
  ): Promise<CoreGeneration>;
  /** The account's generation, or null (another account's is as absent as a missing one). */
  findGeneration(accountId: string, id: string): Promise<CoreGeneration | null>;
  /** One page of the account's generations, newest first, after the generation `afterId` when given. */
  listGenerations(
    accountId: string,
    page: { afterId: string | null; limit: number },
  ): Promise<{ data: CoreGeneration[]; hasMore: boolean }>;
  /** Cancels a queued or running generation (its hold is released). */
  cancelGeneration(accountId: string, id: string): Promise<CoreGeneration>;
  /** Waits up to `ms` for the generation to end; then its latest state. */
  waitForFinal(generation: CoreGeneration, ms: number, signal: AbortSignal): Promise<CoreGeneration>;
  /** Stores an uploaded file as an asset of the account. */
  uploadAsset(accountId: string, file: Readable, declaredType: string | null): Promise<CoreAsset>;
  /** The account's asset, or null. */
  findAsset(accountId: string, id: string): Promise<CoreAsset | null>;
  /** Deletes an asset and its bytes (a 409 while a queued or running generation uses it). */
  deleteAsset(accountId: string, id: string): Promise<void>;
  /** Removes an asset stored for a request that was then refused; never throws. */
  discardAsset(accountId: string, id: string): Promise<void>;
  /** Sends the asset's bytes (honouring a Range header). */
  sendAsset(reply: FastifyReply, accountId: string, id: string, range: string | undefined): Promise<unknown>;
  /** All of an asset's bytes (for `b64_json`). */
  readAsset(accountId: string, id: string): Promise<Buffer>;
  /** A local file holding the asset's bytes (for ffmpeg). */
  localFileOf(accountId: string, id: string): Promise<string>;
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

/** {@link OpenAiCore} over today's generations, assets and billing modules. */
export function openAiCore(deps: ApiDeps): OpenAiCore {
  const wakeWorkers = jobWakeUp(deps.db);
  const assetOf = async (accountId: string, id: string) => {
    try {
      return await deps.assets.get(accountId, id);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  };
  const mustAsset = async (accountId: string, id: string) => {
    const asset = await assetOf(accountId, id);
    if (!asset) throw new ApiError('not_found', 404, `No file with id ${id}.`);
    return asset;
  };
  return {
    ffmpegPath: deps.ffmpegPath,
    retentionHours: deps.assetRetentionHours,
    async createGeneration(principal, request, idempotencyKey, log) {
      const { generation } = await createGeneration(
        {
          db: deps.db,
          assets: deps.assets,
          prices: deps.prices,
          limits: deps.limits,
          providerFor: (p, model) => deps.providers.route(model, p.mode),
          // As on /api/v1: nothing is accepted that no enabled provider can run.
          checkRoute: (p, checked) =>
            checkRoute({ db: deps.db, providers: deps.providers, delivery: deps.inputDelivery }, p, checked),
          wakeWorkers,
          log,
        },
        principal,
        request,
        idempotencyKey,
      );
      return generation;
    },
    findGeneration: (accountId, id) => findGeneration(deps.db, accountId, id),
    async listGenerations(accountId, page) {
      const result = await listGenerations(deps.db, accountId, {
        limit: page.limit,
        cursor: page.afterId,
        status: null,
        model: null,
      });
      return { data: result.data, hasMore: result.nextCursor !== null };
    },
    cancelGeneration: (accountId, id) => cancelGeneration(deps.db, accountId, id),
    async waitForFinal(generation, ms, signal) {
      await deps.events.waitForFinal(generation.id, ms, signal);
      return (await loadGeneration(deps.db, generation.id)) ?? generation;
    },
    async uploadAsset(accountId, file, declaredType) {
      return coreAsset(await deps.assets.upload(accountId, file, { declaredType }));
    },
    async findAsset(accountId, id) {
      const asset = await assetOf(accountId, id);
      return asset ? coreAsset(asset) : null;
    },
    deleteAsset: (accountId, id) => deps.assets.delete(accountId, id),
    async discardAsset(accountId, id) {
      const asset = await assetOf(accountId, id).catch(() => null);
      if (asset) await deps.assets.discard(asset).catch(() => undefined);
    },
    async sendAsset(reply, accountId, id, range) {
      const asset = await mustAsset(accountId, id);
      return sendContent(reply, deps.assets, asset, range, 'private, max-age=3600');
    },
    async readAsset(accountId, id) {
      const asset = await mustAsset(accountId, id);
      const chunks: Buffer[] = [];
      for await (const chunk of await deps.assets.read(asset)) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    async localFileOf(accountId, id) {
      const asset = await mustAsset(accountId, id);
      return deps.assets.localFile(asset.storageKey);
    },
    signedUrl: (assetId) => deps.assets.signedFileUrl(assetId),
  };
}
