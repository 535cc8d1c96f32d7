import type { FastifyInstance } from 'fastify';
import { ledgerPage, usageReport } from '../billing/usage.ts';
import { ApiError } from '../errors.ts';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';

const DAY_MS = 86_400_000;

function dateParam(value: unknown, name: string, fallback: Date): Date {
  if (value === undefined) return fallback;
  const d = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) {
    throw new ApiError(
      'invalid_request',
      400,
      `${name} must be a date or time such as 2026-11-01 or 2026-11-01T12:00:00Z.`,
      { param: name },
    );
  }
  return d;
}

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
    const rows = await usageReport(deps.db, { accountId: p.accountId, mode: p.mode, from, to, groupBy });
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
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new ApiError('invalid_request', 400, 'limit must be a whole number from 1 to 200.', {
        param: 'limit',
      });
    }
    const before = q.cursor === undefined ? null : Number(q.cursor);
    if (before !== null && (!Number.isInteger(before) || before < 1)) {
      throw new ApiError(
        'invalid_request',
        400,
        'cursor is not one this API returned; pass nextCursor unchanged.',
        { param: 'cursor' },
      );
    }
    return ledgerPage(deps.db, { accountId: p.accountId, mode: p.mode, limit, before });
  });
}
