import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { cancelGeneration } from '../generations/cancel-generation.ts';
import { createGeneration } from '../generations/create-generation.ts';
import { generationJson } from '../generations/generation-json.ts';
import { findGeneration } from '../generations/generation-record.ts';
import { listGenerations, parseListQuery } from '../generations/list-generations.ts';
import { parseGenerationRequest } from '../generations/parse-request.ts';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';

export function generationsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const json = (g: Parameters<typeof generationJson>[0]) => generationJson(g, deps.publicUrl);

  app.post('/api/v1/generations', async (request, reply) => {
    const principal = callerOf(request);
    const { generation } = await createGeneration(
      {
        db: deps.db,
        assets: deps.assets,
        prices: deps.prices,
        limits: deps.limits,
        providerFor: (p, model) => deps.providers.route(model, p.mode),
      },
      principal,
      request.body,
      request.idempotencyKey,
    );
    return reply
      .status(202)
      .header('location', `/api/v1/generations/${generation.id}`)
      .send(json(generation));
  });

  app.get<{ Params: { id: string } }>('/api/v1/generations/:id', async (request) => {
    const g = await findGeneration(deps.db, callerOf(request).accountId, request.params.id);
    if (!g) throw new ApiError('not_found', 404, `No generation with id ${request.params.id}.`);
    return json(g);
  });

  app.get('/api/v1/generations', async (request) => {
    const query = parseListQuery(request.query as Record<string, unknown>);
    const page = await listGenerations(deps.db, callerOf(request).accountId, query);
    return { data: page.data.map(json), nextCursor: page.nextCursor };
  });

  app.post<{ Params: { id: string } }>('/api/v1/generations/:id/cancel', async (request) =>
    json(await cancelGeneration(deps.db, callerOf(request).accountId, request.params.id)),
  );

  app.post('/api/v1/quotes', async (request) => {
    callerOf(request);
    const p = parseGenerationRequest(request.body, deps.prices);
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
