import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { isFinal } from '../generations/generation-events.ts';
import { generationJson } from '../generations/generation-json.ts';
import type { GenerationRecord } from '../generations/generation-record.ts';
import { parseListQuery } from '../generations/list-generations.ts';
import { parseGenerationRequest } from '../generations/parse-request.ts';
import { deprecationHeaders } from '../lifecycle/lifecycles.ts';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';
import { preferredWaitSeconds } from './prefer-wait.ts';

export function generationsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const json = (g: Parameters<typeof generationJson>[0]) =>
    generationJson(
      g,
      deps.publicUrl,
      (assetId) => deps.assets.signedFileUrl(assetId),
      deps.assetRetentionHours * 3600,
      (assetId) => deps.assets.signedThumbnailUrl(assetId),
    );
  const waiting = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const controller of waiting) controller.abort();
  });

  /** Waits (event-driven, not polling) up to `seconds` for the generation to end; then its latest state. */
  async function awaitFinal(
    g: GenerationRecord,
    seconds: number,
    reply: { raw: NodeJS.EventEmitter & { socket: Socket | null } },
  ) {
    if (isFinal(g.status)) return g;
    // Nothing moves on the connection while it waits: the idle timeout makes room for the wait asked for.
    reply.raw.socket?.setTimeout(seconds * 1000 + deps.http.idleTimeoutMs);
    const controller = new AbortController();
    waiting.add(controller);
    const onClose = () => controller.abort();
    reply.raw.once('close', onClose);
    try {
      await deps.events.waitForFinal(g.id, seconds * 1000, controller.signal);
      return (await deps.generations.load(g.id)) ?? g;
    } finally {
      reply.raw.off('close', onClose);
      reply.raw.socket?.setTimeout(deps.http.idleTimeoutMs);
      waiting.delete(controller);
    }
  }

  app.post('/api/v1/generations', async (request, reply) => {
    const principal = callerOf(request);
    const wait = preferredWaitSeconds(request.headers.prefer);
    const { generation } = await deps.generations.create(
      principal,
      request.body,
      request.idempotencyKey,
      request.log,
    );
    deprecationHeaders(reply, deps.generations.deprecationOf(generation.model));
    const latest = wait === null ? generation : await awaitFinal(generation, wait, reply);
    if (wait !== null) reply.header('preference-applied', `wait=${wait}`);
    return reply
      .status(isFinal(latest.status) && wait !== null ? 200 : 202)
      .header('location', `/api/v1/generations/${generation.id}`)
      .send(json(latest));
  });

  app.get<{ Params: { id: string } }>('/api/v1/generations/:id', async (request) => {
    const g = await deps.generations.find(callerOf(request), request.params.id);
    if (!g) throw new ApiError('not_found', 404, `No generation with id ${request.params.id}.`);
    return json(g);
  });

  app.get('/api/v1/generations', async (request) => {
    const query = parseListQuery(request.query as Record<string, unknown>);
    const page = await deps.generations.list(callerOf(request), query);
    return { data: page.data.map(json), nextCursor: page.nextCursor };
  });

  app.post<{ Params: { id: string } }>('/api/v1/generations/:id/cancel', async (request) =>
    json(await deps.generations.cancel(callerOf(request), request.params.id)),
  );

  app.delete<{ Params: { id: string } }>('/api/v1/generations/:id', async (request) =>
    json(await deps.generations.deleteMedia(callerOf(request), request.params.id, request.log)),
  );

  app.post('/api/v1/quotes', async (request, reply) => {
    callerOf(request);
    // A quote stores nothing, so the opt-out is not judged here: the create judges it.
    const p = parseGenerationRequest(request.body, deps.prices, { allowProvenanceOptOut: true });
    deprecationHeaders(reply, deps.generations.checkLifecycle(p.model));
    return {
      model: p.model,
      mode: p.mode,
      variant: p.variant,
      tokens: p.quote.tokens,
      ...(p.quote.tokensPerSecond !== undefined ? { tokensPerSecond: p.quote.tokensPerSecond } : {}),
      ...(p.quote.seconds !== undefined ? { seconds: p.quote.seconds } : {}),
      input: p.input,
    };
  });
}
