import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './deps.ts';
import { dateParam, idCursorParam, limitParam, textParam } from './query-params.ts';

/**
 * The operator's audit log (admin key): keys made, changed and revoked, tokens granted and account settings
 * changed, newest first, filtered by account, action, actor and time.
 */
export function auditRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/audit', async (request) => {
    const q = request.query as Record<string, unknown>;
    return deps.audit.list({
      accountId: textParam(q.accountId, 'accountId'),
      action: textParam(q.action, 'action'),
      actor: textParam(q.actor, 'actor'),
      from: dateParam(q.from, 'from', null),
      to: dateParam(q.to, 'to', null),
      limit: limitParam(q.limit),
      before: idCursorParam(q.cursor),
    });
  });
}
