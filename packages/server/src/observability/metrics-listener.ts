import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { MetricsScrape } from './observability.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The one HTTP listener of a worker-only process (`npm run worker`), which serves no API: `GET /metrics` with the
 * metrics token, the same text the API's `/metrics` gives, and 404 for anything else.
 */
export async function listenForMetrics(options: {
  host: string;
  port: number;
  token: string;
  scrape: MetricsScrape;
}): Promise<Server> {
  const server = createServer((request, response) => {
    const answer = (status: number, code: string, message: string) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ error: { code, message } }));
    };
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      answer(404, 'not_found', 'This worker serves GET /metrics only.');
      return;
    }
    const sent = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (sent === undefined || !timingSafeEqual(digest(sent), digest(options.token))) {
      answer(
        401,
        'unauthorized',
        'Send the metrics token (REELAY_METRICS_TOKEN) as "Authorization: Bearer <token>".',
      );
      return;
    }
    options.scrape().then(
      ({ contentType, body }) => {
        response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        response.end(body);
      },
      () => answer(500, 'internal_error', 'The metrics could not be read.'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
