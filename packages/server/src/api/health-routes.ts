import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.ts';

export function healthRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await deps.db.query('SELECT 1');
      return { status: 'ready', database: deps.db.driver };
    } catch {
      return reply.status(503).send({ status: 'unavailable', database: deps.db.driver });
    }
  });
}
