import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.ts';

/**
 * `GET /metrics`: the Prometheus text of this process, for a scraper holding REELAY_METRICS_TOKEN (checked by the
 * auth hook, see route-access.ts). Registered only when metrics are on; otherwise the path is unknown (404).
 */
export function metricsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const scrape = deps.metricsScrape;
  if (scrape === null) return;
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await scrape();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
}
