import { findModel, type Json } from '@reelay/catalog';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callerOf } from '../../api/authenticate.ts';
import { ApiError } from '../../errors.ts';
import { ownerOf } from '../../generations/generation-record.ts';
import type { Owner } from '../../key-mode.ts';
import { deprecationHeaders } from '../../lifecycle/lifecycles.ts';
import { videoSpritesheet, videoThumbnail } from '../../media/video-stills.ts';
import { modelFieldsOf } from './model-fields.ts';
import type { CoreGeneration, OpenAiCore } from './openai-core.ts';
import { invalidParam, renameParams } from './openai-errors.ts';
import { type ReadBody, readBody } from './read-form.ts';
import { videoObject } from './video-object.ts';
import { remixSlotOf, videoCreateRequest, videoParamName } from './video-request.ts';

const VIDEO_SLOTS = new Set(['referenceVideo', 'sourceVideo']);
/** Fields a remix keeps from its source (audio is left to the model's default: a reference may rule it out). */
const KEPT_BY_REMIX = ['aspectRatio', 'resolution', 'duration'];
/** Names a webhook URL may be mistaken for; this shape takes `webhook_url`. */
const OTHER_WEBHOOK_NAMES = ['webhook', 'webhookUrl'];

const noVideo = (id: string) => new ApiError('not_found', 404, `No video with id ${id}.`);

/**
 * The `webhook_url` a video's `video.completed` / `video.failed` events go to, or null. OpenAI configures webhook
 * endpoints per project; here the URL comes with the request (an extra body field the clients pass through).
 */
function webhookUrlOf(fields: Record<string, unknown>): string | null {
  const other = OTHER_WEBHOOK_NAMES.find((f) => f in fields);
  if (other !== undefined) throw invalidParam(other, `${other} is not a parameter here; send webhook_url.`);
  const url = fields.webhook_url;
  if (url === undefined) return null;
  if (typeof url !== 'string' || url === '') throw invalidParam('webhook_url', 'webhook_url must be a URL.');
  return url;
}

/** `/v1/videos`: create, read, list, delete, download and remix, over Reelay's generations. */
export function videosRoutes(scope: FastifyInstance, core: OpenAiCore): void {
  /** Whether a finished video's output was deleted (through DELETE /v1/videos/{id} or the assets API). */
  async function deleted(g: CoreGeneration): Promise<boolean> {
    const output = g.outputs[0];
    return (
      g.status === 'succeeded' &&
      output !== undefined &&
      (await core.findAsset(ownerOf(g), output.assetId)) === null
    );
  }

  async function present(g: CoreGeneration) {
    let remixedFrom: string | null = null;
    for (const ref of g.mediaRefs) {
      if (!VIDEO_SLOTS.has(ref.field)) continue;
      const asset = await core.findAsset(ownerOf(g), ref.assetId);
      if (asset?.source === 'output' && asset.generationId !== null) remixedFrom = asset.generationId;
    }
    return videoObject(g, { remixedFrom, retentionHours: core.retentionHours });
  }

  async function findVideo(owner: Owner, id: string): Promise<CoreGeneration> {
    const g = await core.findGeneration(owner, id);
    if (g?.type !== 'video' || (await deleted(g))) throw noVideo(id);
    return g;
  }

  /** Reads the body, storing its files; they are removed again when `use` throws. */
  async function withBody<T>(request: FastifyRequest, use: (body: ReadBody) => Promise<T>): Promise<T> {
    const owner = callerOf(request);
    const body = await readBody(
      request.headers,
      request.body,
      (file, type) => core.uploadAsset(owner, file, type),
      (asset) => core.discardAsset(owner, asset.id),
    );
    try {
      return await use(body);
    } catch (error) {
      for (const f of body.files) await core.discardAsset(owner, f.asset.id);
      throw error;
    }
  }

  const sentNames = (body: ReadBody) =>
    new Set([...Object.keys(body.fields), ...body.files.map((f) => f.field)]);

  scope.post('/videos', async (request, reply) => {
    const principal = callerOf(request);
    return withBody(request, async (body) => {
      const sent = sentNames(body);
      renameParams(request, (param) => videoParamName(param, sent));
      const webhookUrl = webhookUrlOf(body.fields);
      const created = await core.createGeneration(
        principal,
        videoCreateRequest(body),
        request.idempotencyKey,
        request.log,
        webhookUrl,
      );
      deprecationHeaders(reply, core.deprecationOf(created.model));
      return present(created);
    });
  });

  scope.get<{ Params: { video_id: string } }>('/videos/:video_id', async (request) =>
    present(await findVideo(callerOf(request), request.params.video_id)),
  );

  scope.get<{ Querystring: Record<string, unknown> }>('/videos', async (request) => {
    const owner = callerOf(request);
    const q = request.query;
    const one = (name: string) => {
      const v = q[name];
      if (v !== undefined && typeof v !== 'string') throw invalidParam(name, `${name} may be given once.`);
      return v;
    };
    const limitText = one('limit');
    const limit = limitText === undefined ? 20 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw invalidParam('limit', 'limit must be a whole number from 1 to 100.');
    const order = one('order') ?? 'desc';
    if (order !== 'desc' && order !== 'asc') throw invalidParam('order', 'order must be asc or desc.');
    const after = one('after') ?? null;
    if (after !== null && !/^gen_[A-Za-z0-9]+$/.test(after))
      throw invalidParam('after', 'after must be the id of a video of an earlier page.');
    const found: CoreGeneration[] = [];
    let cursor = after;
    // Reelay's list holds images too: pages are read until enough videos (and one more) are found.
    for (;;) {
      const page = await core.listGenerations(owner, {
        afterId: cursor,
        limit: 100,
        ascending: order === 'asc',
      });
      for (const g of page.data) {
        if (g.type === 'video' && !(await deleted(g))) found.push(g);
        if (found.length > limit) break;
      }
      cursor = page.data.at(-1)?.id ?? null;
      if (found.length > limit || !page.hasMore || cursor === null) break;
    }
    const data = await Promise.all(found.slice(0, limit).map(present));
    return {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: found.length > limit,
    };
  });

  scope.delete<{ Params: { video_id: string } }>('/videos/:video_id', async (request) => {
    const owner = callerOf(request);
    const g = await findVideo(owner, request.params.video_id);
    if (g.status === 'queued' || g.status === 'running') {
      await core.cancelGeneration(owner, g.id).catch((error: unknown) => {
        // It ended meanwhile: its output, if any, is deleted below.
        if (!(error instanceof ApiError && error.status === 409)) throw error;
      });
    }
    const latest = (await core.findGeneration(owner, g.id)) ?? g;
    for (const output of latest.outputs) {
      await core.deleteAsset(owner, output.assetId).catch((error: unknown) => {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      });
    }
    return { id: g.id, object: 'video.deleted', deleted: true };
  });

  scope.get<{ Params: { video_id: string }; Querystring: { variant?: unknown } }>(
    '/videos/:video_id/content',
    async (request, reply) => {
      const owner = callerOf(request);
      const g = await findVideo(owner, request.params.video_id);
      const variant = request.query.variant ?? 'video';
      if (variant !== 'video' && variant !== 'thumbnail' && variant !== 'spritesheet') {
        throw invalidParam('variant', 'variant must be video, thumbnail or spritesheet.');
      }
      const output = g.outputs[0];
      if (g.status !== 'succeeded' || !output) {
        throw new ApiError(
          'conflict',
          409,
          `Video ${g.id} is ${videoObject(g, { remixedFrom: null, retentionHours: 0 }).status}; its content exists once it is completed.`,
        );
      }
      if (variant === 'video') return core.sendAsset(reply, owner, output.assetId, request.headers.range);
      const path = await core.localFileOf(owner, output.assetId);
      const make = variant === 'thumbnail' ? videoThumbnail : videoSpritesheet;
      const jpeg = await make(core.ffmpegPath, path, output.durationSeconds);
      if (jpeg === null) {
        throw invalidParam(
          'variant',
          `No ${variant} could be made of video ${g.id}; download variant=video.`,
        );
      }
      return reply
        .header('content-type', 'image/jpeg')
        .header('cache-control', 'private, max-age=3600')
        .header('content-disposition', `inline; filename="${g.id}-${variant}.jpg"`)
        .send(jpeg);
    },
  );

  scope.post<{ Params: { video_id: string } }>('/videos/:video_id/remix', async (request, reply) => {
    const principal = callerOf(request);
    const source = await findVideo(principal, request.params.video_id);
    return withBody(request, async (body) => {
      const sent = sentNames(body);
      renameParams(request, (param) => {
        const name = videoParamName(param, sent);
        return VIDEO_SLOTS.has(name) ? 'video_id' : name;
      });
      const webhookUrl = webhookUrlOf(body.fields);
      const stray = body.files[0];
      if (stray)
        throw invalidParam(stray.field, 'A remix takes no files: its reference is the source video.');
      const model = findModel(source.model);
      const slot = model ? remixSlotOf(model) : null;
      if (!model || slot === null) {
        throw invalidParam(
          'video_id',
          `${source.model} takes no reference video, so its videos cannot be remixed; create a new video instead.`,
        );
      }
      const output = source.outputs[0];
      if (source.status !== 'succeeded' || !output)
        throw invalidParam('video_id', `Video ${source.id} is not completed; remix it once it is.`);
      const prompt = body.fields.prompt;
      if (typeof prompt !== 'string' || prompt === '') throw invalidParam('prompt', 'prompt is required.');
      const input: Record<string, Json> = { prompt };
      for (const name of KEPT_BY_REMIX) {
        const value = source.input[name];
        if (value !== undefined) input[name] = value;
      }
      input[slot] = `asset://${output.assetId}`;
      Object.assign(input, modelFieldsOf(model, body.fields, ['prompt', 'webhook_url'], body.form));
      const created = await core.createGeneration(
        principal,
        { type: 'video', model: model.id, input },
        request.idempotencyKey,
        request.log,
        webhookUrl,
      );
      deprecationHeaders(reply, core.deprecationOf(created.model));
      return present(created);
    });
  });
}
