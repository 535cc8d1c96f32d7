import type { FastifyInstance } from 'fastify';
import { EXPORT_DIMENSIONS, type ExportDimension } from '../billing/usage-service.ts';
import { ApiError } from '../errors.ts';
import { callerOf } from './authenticate.ts';
import { toCsv } from './csv.ts';
import type { ApiDeps } from './deps.ts';
import { dateParam, idCursorParam, limitParam } from './query-params.ts';

const DAY_MS = 86_400_000;

/** `groupBy` of an export: dimensions separated by commas, each once (`day` when absent); a 400 naming it otherwise. */
function exportGroups(value: unknown): ExportDimension[] {
  if (value === undefined) return ['day'];
  const parts = typeof value === 'string' ? value.split(',') : [];
  const known = (d: string): d is ExportDimension => (EXPORT_DIMENSIONS as readonly string[]).includes(d);
  if (parts.length === 0 || !parts.every(known) || new Set(parts).size !== parts.length) {
    throw new ApiError(
      'invalid_request',
      400,
      `groupBy must be one or more of ${EXPORT_DIMENSIONS.join(', ')}, separated by commas, each once.`,
      { param: 'groupBy' },
    );
  }
  return parts;
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

  app.get('/api/v1/usage/export', async (request, reply) => {
    const p = callerOf(request);
    const q = request.query as Record<string, unknown>;
    const to = dateParam(q.to, 'to', new Date());
    const from = dateParam(q.from, 'from', new Date(to.getTime() - 30 * DAY_MS));
    if (from >= to) throw new ApiError('invalid_request', 400, 'from must be before to.', { param: 'from' });
    const groupBy = exportGroups(q.groupBy);
    const format = q.format ?? 'json';
    if (format !== 'json' && format !== 'csv') {
      throw new ApiError('invalid_request', 400, 'format must be json or csv.', { param: 'format' });
    }
    const { data, total } = await deps.usage.export({
      accountId: p.accountId,
      mode: p.mode,
      from,
      to,
      groupBy,
    });
    if (format === 'json') {
      return { from: from.toISOString(), to: to.toISOString(), groupBy, environment: p.mode, data, total };
    }
    const header = [...groupBy, 'tokens', 'generations'];
    const csv = toCsv(
      header,
      data.map((row) => [...groupBy.map((d) => row[d] ?? ''), row.tokens, row.generations] as const),
    );
    const name = `reelay-usage-${p.mode}-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8; header=present')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(csv);
  });

  app.get('/api/v1/ledger', async (request) => {
    const p = callerOf(request);
    const q = request.query as Record<string, unknown>;
    const limit = limitParam(q.limit);
    const before = idCursorParam(q.cursor);
    return deps.usage.ledger({ accountId: p.accountId, mode: p.mode, limit, before });
  });
}
