import { models } from '@reelay/catalog';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { apiReferencePage } from './api-reference-page.ts';
import type { ApiDeps } from './deps.ts';
import { openApiDocument } from './openapi.ts';

/**
 * `GET /openapi.json` and `GET /docs`, built on first request (when every route is registered) from the catalog
 * this process runs and the routes it serves.
 */
export function openApiRoutes(app: FastifyInstance, deps: Pick<ApiDeps, 'publicUrl'>): void {
  let built: { json: string; page: string } | null = null;
  const build = () => {
    if (built) return built;
    const doc = openApiDocument({
      models,
      publicUrl: deps.publicUrl,
      serves: (method, url) => app.hasRoute({ method: method as HTTPMethods, url }),
    });
    built = { json: JSON.stringify(doc), page: apiReferencePage(doc) };
    return built;
  };
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(build().json));
  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(build().page));
}
