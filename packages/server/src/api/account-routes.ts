import type { FastifyInstance } from 'fastify';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';

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
}
