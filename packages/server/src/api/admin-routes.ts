import type { FastifyInstance } from 'fastify';
import type { AccountsService } from '../billing/accounts.ts';
import { keyRetention } from '../retention/parse-retention.ts';

const limit = { anyOf: [{ type: 'integer', minimum: 1, maximum: 10_000_000 }, { type: 'null' }] };
const budget = { anyOf: [{ type: 'number', minimum: 0, maximum: 1e12 }, { type: 'null' }] };
const mode = { type: 'string', enum: ['test', 'live'] };
/** Seconds or an ISO-8601 duration, checked by `keyRetention` (which names the field in its 422). */
const retention = { anyOf: [{ type: 'number' }, { type: 'string', maxLength: 40 }, { type: 'null' }] };
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };

/** The operator's API (admin key only): accounts, their limits, keys and token grants. */
export function adminRoutes(app: FastifyInstance, accounts: AccountsService): void {
  app.post<{
    Body: { name: string; maxConcurrentGenerations?: number | null; keyRatePerMinute?: number | null };
  }>(
    '/api/v1/admin/accounts',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            maxConcurrentGenerations: limit,
            keyRatePerMinute: limit,
          },
        },
      },
    },
    async (request, reply) => reply.status(201).send(await accounts.create(request.body.name, request.body)),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/admin/accounts/:id',
    { schema: { params: idParams } },
    async (request) => accounts.get(request.params.id),
  );

  app.patch<{
    Params: { id: string };
    Body: { maxConcurrentGenerations?: number | null; keyRatePerMinute?: number | null };
  }>(
    '/api/v1/admin/accounts/:id',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { maxConcurrentGenerations: limit, keyRatePerMinute: limit },
        },
      },
    },
    async (request) => accounts.setLimits(request.params.id, request.body),
  );

  app.post<{
    Params: { id: string };
    Body: {
      mode: 'test' | 'live';
      name?: string;
      dailyTokens?: number | null;
      monthlyTokens?: number | null;
      defaultRetention?: unknown;
    };
  }>(
    '/api/v1/admin/accounts/:id/keys',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['mode'],
          properties: {
            mode,
            name: { type: 'string', maxLength: 200 },
            dailyTokens: budget,
            monthlyTokens: budget,
            defaultRetention: retention,
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const retentionSeconds = keyRetention(b.defaultRetention) ?? null;
      const key = await accounts.createKey(request.params.id, {
        mode: b.mode,
        name: b.name ?? '',
        dailyTokens: b.dailyTokens ?? null,
        monthlyTokens: b.monthlyTokens ?? null,
        retentionSeconds,
      });
      return reply.status(201).send(key);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/admin/accounts/:id/keys',
    { schema: { params: idParams } },
    async (request) => ({
      data: await accounts.listKeys(request.params.id),
    }),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/admin/keys/:id/revoke',
    { schema: { params: idParams } },
    async (request) => accounts.revokeKey(request.params.id),
  );

  app.patch<{ Params: { id: string }; Body: { defaultRetention?: unknown } }>(
    '/api/v1/admin/keys/:id',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['defaultRetention'],
          properties: { defaultRetention: retention },
        },
      },
    },
    async (request) =>
      accounts.setKeyRetention(request.params.id, keyRetention(request.body.defaultRetention) ?? null),
  );

  app.post<{ Params: { id: string }; Body: { mode: 'test' | 'live'; tokens: number; note?: string } }>(
    '/api/v1/admin/accounts/:id/grants',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['mode', 'tokens'],
          properties: {
            mode,
            tokens: { type: 'number', exclusiveMinimum: 0, maximum: 1e12 },
            note: { type: 'string', maxLength: 500 },
          },
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await accounts.grant(
            request.params.id,
            request.body.mode,
            request.body.tokens,
            request.body.note ?? 'grant',
          ),
        ),
  );
}
