import type { FastifyInstance } from 'fastify';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';
import { idCursorParam, limitParam } from './query-params.ts';

export function accountRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/account', async (request) => {
    const p = callerOf(request);
    const { name, balance: b } = await deps.accounts.summary(p);
    return {
      id: p.accountId,
      name,
      environment: p.mode,
      tokens: {
        balance: b.balanceMilli / 1000,
        held: b.heldMilli / 1000,
        available: (b.balanceMilli - b.heldMilli) / 1000,
      },
    };
  });

  /** The environment's alerts (low balance, budget thresholds), newest first, for the dashboard and clients. */
  app.get('/api/v1/alerts', async (request) => {
    const p = callerOf(request);
    const q = request.query as Record<string, unknown>;
    return deps.alerts.list(p, { limit: limitParam(q.limit), before: idCursorParam(q.cursor) });
  });
}
