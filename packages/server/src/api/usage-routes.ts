import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';

const DAY_MS = 86_400_000;

/** A date (2026-11-01) or time (2026-11-01T12:00:00Z, with an optional offset) in ISO 8601, years 1900–9999. */
const ISO_DATE = /^(\d{4})-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

function dateParam(value: unknown, name: string, fallback: Date): Date {
  if (value === undefined) return fallback;
  const year = typeof value === 'string' ? Number(ISO_DATE.exec(value)?.[1] ?? Number.NaN) : Number.NaN;
  const d = year >= 1900 && year <= 9999 ? new Date(value as string) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) {
    throw new ApiError(
      'invalid_request',
      400,
      `${name} must be a date or time from the years 1900–9999, such as 2026-11-01 or 2026-11-01T12:00:00Z.`,
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
    const limit =
      q.limit === undefined
        ? 50
        : typeof q.limit === 'string' && /^\d{1,3}$/.test(q.limit)
          ? Number(q.limit)
          : Number.NaN;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new ApiError('invalid_request', 400, 'limit must be a whole number from 1 to 200.', {
        param: 'limit',
      });
    }
    const cursor = q.cursor;
    const before =
      cursor === undefined
        ? null
        : typeof cursor === 'string' && /^[1-9]\d{0,14}$/.test(cursor)
          ? Number(cursor)
          : Number.NaN;
    if (before !== null && Number.isNaN(before)) {
      throw new ApiError(
        'invalid_request',
        400,
        'cursor is not one this API returned; pass nextCursor unchanged.',
        { param: 'cursor' },
      );
    }
    return deps.usage.ledger({ accountId: p.accountId, mode: p.mode, limit, before });
  });
}
