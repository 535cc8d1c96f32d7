import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';
import { dateParam, idCursorParam, limitParam } from './query-params.ts';

const DAY_MS = 86_400_000;

/** What an account spent: usage grouped by model or day, and its ledger entry by entry. */
export function usageRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/usage', async (request) => {
    const p = callerOf(request);
    const q = request.query as Record<string, unknown>;
    const to = dateParam(q.to, 'to', new Date());
    const from = dateParam(q.from, 'from', new Date(to.getTime() - 30 * DAY_MS));
    if (from >= to) throw new ApiError('invalid_request', 400, 'from must be before to.', { param: 'from' });
    const groupBy = q.groupBy ?? 'model';
    if (groupBy !== 'model' && groupBy !== 'day') {
      throw new ApiError('invalid_request', 400, 'groupBy must be model or day.', { param: 'groupBy' });
    }
    const rows = await deps.usage.report({ accountId: p.accountId, mode: p.mode, from, to, groupBy });
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy,
      environment: p.mode,
      data: rows.map((r) => ({
        [groupBy]: r.key,
        tokens: r.tokens,
        seconds: r.seconds,
        generations: r.generations,
      })),
    };
  });

  app.get('/api/v1/ledger', async (request) => {
    const p = callerOf(request);
    const q = request.query as Record<string, unknown>;
    const limit = limitParam(q.limit);
    const before = idCursorParam(q.cursor);
    return deps.usage.ledger({ accountId: p.accountId, mode: p.mode, limit, before });
  });
}
