import type { FastifyInstance } from 'fastify';
import { getBalance } from '../store/ledger.ts';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';

export function accountRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/account', async (request) => {
    const p = callerOf(request);
    const rows = await deps.db.query<{ name: string }>('SELECT name FROM accounts WHERE id = $1', [
      p.accountId,
    ]);
    const b = await getBalance(deps.db, { accountId: p.accountId, mode: p.mode });
    return {
      id: p.accountId,
      name: rows[0]?.name ?? '',
      environment: p.mode,
      tokens: {
        balance: b.balanceMilli / 1000,
        held: b.heldMilli / 1000,
        available: (b.balanceMilli - b.heldMilli) / 1000,
      },
    };
  });
}
