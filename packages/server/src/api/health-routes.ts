import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.ts';

export function healthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const { ready, database } = await deps.readiness();
    if (ready) return { status: 'ready', database };
    return reply.status(503).send({ status: 'unavailable', database });
  });
}
