import { createHash } from 'node:crypto';
import { models } from '@reelay/catalog';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { apiReferencePage } from './api-reference-page.ts';
import type { ApiDeps } from './deps.ts';
import { openApiDocument } from './openapi.ts';

/**
 * `GET /openapi.json` and `GET /docs`, built on first request (when every route is registered) from the catalog
 * this process runs and the routes it serves.
 */
export function openApiRoutes(app: FastifyInstance, deps: Pick<ApiDeps, 'publicUrl' | 'lifecycles'>): void {
  let built: { json: string; page: string; policy: string } | null = null;
  const build = () => {
    if (built) return built;
    const doc = openApiDocument({
      models,
      publicUrl: deps.publicUrl,
      lifecycleOf: (model) => deps.lifecycles.shown(model.id),
      serves: (method, url) => app.hasRoute({ method: method as HTTPMethods, url }),
    });
    const page = apiReferencePage(doc);
    // The page is one document with one inline stylesheet and no script: the policy allows exactly that style.
    const styles = [...page.matchAll(/<style>([\s\S]*?)<\/style>/g)].map(
      (m) =>
        `'sha256-${createHash('sha256')
          .update(m[1] ?? '')
          .digest('base64')}'`,
    );
    const policy = [
      "default-src 'none'",
      `style-src ${styles.join(' ') || "'none'"}`,
      'img-src data:',
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
    built = { json: JSON.stringify(doc), page, policy };
    return built;
  };
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(build().json));
  app.get('/docs', async (_request, reply) => {
    const { page, policy } = build();
    return reply.type('text/html; charset=utf-8').header('content-security-policy', policy).send(page);
  });
}
