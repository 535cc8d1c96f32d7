import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { callerOf } from '../../api/authenticate.ts';
import { ApiError } from '../../errors.ts';
import { deprecationHeaders } from '../../lifecycle/lifecycles.ts';
import {
  type ImageRequest,
  imageEditRequest,
  imageGenerationRequest,
  imageParamName,
} from './image-request.ts';
import type { CoreGeneration, OpenAiCore } from './openai-core.ts';
import { renameParams } from './openai-errors.ts';
import { readBody } from './read-form.ts';

/** How long an image request waits for its images before answering 504 (the generations go on). */
export const IMAGE_WAIT_SECONDS = 600;

const FINAL = new Set(['succeeded', 'failed', 'canceled']);

/** `/v1/images/generations` and `/v1/images/edits`: Reelay generations of image models, answered when done. */
export function imagesRoutes(scope: FastifyInstance, core: OpenAiCore, idleTimeoutMs: number): void {
  const waiting = new Set<AbortController>();
  scope.addHook('preClose', async () => {
    for (const controller of waiting) controller.abort();
  });

  /** Creates `n` generations, waits for all of them, and answers OpenAI's images response. */
  async function generate(
    request: FastifyRequest,
    reply: FastifyReply,
    wanted: ImageRequest,
    onRefused: () => Promise<void> = async () => {},
  ) {
    const principal = callerOf(request);
    const created: CoreGeneration[] = [];
    const keyOf = (i: number) =>
      request.idempotencyKey === null || i === 0 ? request.idempotencyKey : `${request.idempotencyKey}#${i}`;
    try {
      for (let i = 0; i < wanted.n; i++) {
        const request_ = { type: 'image', model: wanted.model, input: wanted.input };
        created.push(await core.createGeneration(principal, request_, keyOf(i), request.log));
      }
      const model = created[0]?.model;
      if (model !== undefined) deprecationHeaders(reply, core.deprecationOf(model));
    } catch (error) {
      // All or nothing: the images already started are canceled (their holds released); files stored for this
      // request go again only when no generation took them.
      for (const g of created) await core.cancelGeneration(principal, g.id).catch(() => undefined);
      if (created.length === 0) await onRefused();
      throw error;
    }
    // Nothing moves on the connection while the images are made: the idle timeout makes room for the wait.
    reply.raw.socket?.setTimeout(IMAGE_WAIT_SECONDS * 1000 + idleTimeoutMs);
    const controller = new AbortController();
    waiting.add(controller);
    const onClose = () => controller.abort();
    reply.raw.once('close', onClose);
    let done: CoreGeneration[];
    try {
      done = await Promise.all(
        created.map((g) =>
          FINAL.has(g.status) ? g : core.waitForFinal(g, IMAGE_WAIT_SECONDS * 1000, controller.signal),
        ),
      );
    } finally {
      reply.raw.off('close', onClose);
      reply.raw.socket?.setTimeout(idleTimeoutMs);
      waiting.delete(controller);
    }
    const unfinished = done.find((g) => !FINAL.has(g.status));
    if (unfinished) {
      reply.header('x-should-retry', 'false');
      throw new ApiError(
        'internal_error',
        504,
        `The image is not ready after ${IMAGE_WAIT_SECONDS} seconds; follow GET /api/v1/generations/${unfinished.id}.`,
      );
    }
    const failed = done.find((g) => g.status !== 'succeeded');
    if (failed) {
      // Not repeated by the client: a failed generation is not charged, but a retry would start new ones.
      reply.header('x-should-retry', 'false');
      throw new ApiError(
        'internal_error',
        502,
        `Generation ${failed.id} ${failed.status}: ${failed.error?.message ?? 'no image was made'}`,
      );
    }
    const data = [];
    for (const g of done) {
      for (const output of g.outputs) {
        data.push(
          wanted.responseFormat === 'url'
            ? { url: core.signedUrl(output.assetId), revised_prompt: null }
            : {
                b64_json: (await core.readAsset(principal, output.assetId)).toString('base64'),
                revised_prompt: null,
              },
        );
      }
    }
    return { created: Math.floor(Date.now() / 1000), data };
  }

  scope.post('/images/generations', async (request, reply) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || body instanceof Readable)
      throw new ApiError('invalid_request', 400, 'The body must be a JSON object.');
    const fields = body as Record<string, unknown>;
    const sent = new Set(Object.keys(fields));
    renameParams(request, (param) => imageParamName(param, sent));
    return generate(request, reply, imageGenerationRequest(fields));
  });

  scope.post('/images/edits', async (request, reply) => {
    const owner = callerOf(request);
    const body = await readBody(
      request.headers,
      request.body,
      (file, type) => core.uploadAsset(owner, file, type),
      (asset) => core.discardAsset(owner, asset.id),
    );
    const sent = new Set([...Object.keys(body.fields), ...body.files.map((f) => f.field)]);
    renameParams(request, (param) => imageParamName(param, sent));
    const discard = async () => {
      for (const f of body.files) await core.discardAsset(owner, f.asset.id);
    };
    let wanted: ImageRequest;
    try {
      wanted = imageEditRequest(body);
    } catch (error) {
      await discard();
      throw error;
    }
    return generate(request, reply, wanted, discard);
  });
}
