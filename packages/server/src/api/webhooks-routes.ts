import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { type DeliveryState, deliveryJson } from '../webhooks/webhook-deliveries.ts';
import type { WebhookSecret } from '../webhooks/webhook-secrets.ts';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';

const secretJson = (s: WebhookSecret) => ({
  secret: s.secret,
  rotatedAt: s.rotatedAt.toISOString(),
  previousSecretExpiresAt: s.previousExpiresAt ? s.previousExpiresAt.toISOString() : null,
});

function parseListQuery(q: Record<string, unknown>) {
  const limit = q.limit === undefined ? 20 : Number(q.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new ApiError('invalid_request', 400, 'limit must be a whole number from 1 to 100.', {
      param: 'limit',
    });
  }
  const state = q.state === undefined ? null : String(q.state);
  if (state !== null && !['pending', 'succeeded', 'failed'].includes(state)) {
    throw new ApiError('invalid_request', 400, 'state must be pending, succeeded or failed.', {
      param: 'state',
    });
  }
  return {
    limit,
    cursor: typeof q.cursor === 'string' && q.cursor ? q.cursor : null,
    generationId: typeof q.generationId === 'string' && q.generationId ? q.generationId : null,
    state: state as DeliveryState | null,
  };
}

/** The account's webhook secret (read, rotate) and its deliveries (list, inspect, replay). */
export function webhooksRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/webhooks/secret', async (request) =>
    secretJson(await deps.webhooks.secretOf(callerOf(request))),
  );

  app.post('/api/v1/webhooks/secret/rotate', async (request) =>
    secretJson(await deps.webhooks.rotateSecret(callerOf(request))),
  );

  app.get('/api/v1/webhooks/deliveries', async (request) => {
    const page = await deps.webhooks.listDeliveries(
      callerOf(request),
      parseListQuery(request.query as Record<string, unknown>),
    );
    return { data: page.data.map(deliveryJson), nextCursor: page.nextCursor };
  });

  app.get<{ Params: { id: string } }>('/api/v1/webhooks/deliveries/:id', async (request) => {
    const { delivery, attempts } = await deps.webhooks.delivery(callerOf(request), request.params.id);
    return { ...deliveryJson(delivery), attemptLog: attempts };
  });

  app.post<{ Params: { id: string } }>('/api/v1/webhooks/deliveries/:id/replay', async (request, reply) => {
    const d = await deps.webhooks.replay(callerOf(request), request.params.id);
    return reply.status(202).send(deliveryJson(d));
  });
}
