import Fastify, { type FastifyInstance } from 'fastify';
import { newId } from '../ids.ts';
import { accountRoutes } from './account-routes.ts';
import { assetsRoutes } from './assets-routes.ts';
import { principalOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';
import { installErrorHandler } from './error-handler.ts';
import { generationsRoutes } from './generations-routes.ts';
import { healthRoutes } from './health-routes.ts';
import { modelsRoutes } from './models-routes.ts';

const PUBLIC = [/^\/healthz$/, /^\/readyz$/, /^\/api\/v1\/models(\/|$|\?)/];

/** The HTTP application: routes, the auth hook and the one error handler. */
export function buildHttp(deps: ApiDeps, logger: boolean | { level: string }): FastifyInstance {
  const app = Fastify({
    logger,
    bodyLimit: deps.maxJsonBytes,
    genReqId: () => newId('req'),
    requestIdHeader: false,
  });
  // JSON only: a text/plain body is refused (415) rather than read as a string.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', String(request.id));
    if (PUBLIC.some((pattern) => pattern.test(request.url))) return;
    if (!request.url.startsWith('/api/')) return;
    request.principal = await principalOf(deps.db, request);
  });
  installErrorHandler(app);
  healthRoutes(app, deps);
  modelsRoutes(app, deps);
  generationsRoutes(app, deps);
  assetsRoutes(app, deps);
  accountRoutes(app, deps);
  return app;
}
