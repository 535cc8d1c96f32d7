import type { FastifyInstance } from 'fastify';
import { adminActor } from '../audit/audit-service.ts';
import type { AccountsService } from '../billing/accounts.ts';
import { allowlist } from './keys-routes.ts';

const limit = { anyOf: [{ type: 'integer', minimum: 1, maximum: 10_000_000 }, { type: 'null' }] };
const budget = { anyOf: [{ type: 'number', minimum: 0, maximum: 1e12 }, { type: 'null' }] };
const mode = { type: 'string', enum: ['test', 'live'] };
const alertUrl = { anyOf: [{ type: 'string', maxLength: 2048 }, { type: 'null' }] };
const threshold = { anyOf: [{ type: 'number', minimum: 0, maximum: 1e12 }, { type: 'null' }] };
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };

/** The operator's API (admin key only): accounts, their limits, keys and token grants. */
export function adminRoutes(app: FastifyInstance, accounts: AccountsService): void {
  app.post<{
    Body: {
      name: string;
      maxConcurrentGenerations?: number | null;
      keyRatePerMinute?: number | null;
      lowBalanceTokens?: number | null;
    };
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
            lowBalanceTokens: threshold,
            alertWebhookUrl: alertUrl,
          },
        },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await accounts.create(request.body.name, request.body, adminActor(request.ip))),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/admin/accounts/:id',
    { schema: { params: idParams } },
    async (request) => accounts.get(request.params.id),
  );

  app.patch<{
    Params: { id: string };
    Body: {
      maxConcurrentGenerations?: number | null;
      keyRatePerMinute?: number | null;
      lowBalanceTokens?: number | null;
    };
  }>(
    '/api/v1/admin/accounts/:id',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            maxConcurrentGenerations: limit,
            keyRatePerMinute: limit,
            lowBalanceTokens: threshold,
            alertWebhookUrl: alertUrl,
          },
        },
      },
    },
    async (request) => accounts.setLimits(request.params.id, request.body, adminActor(request.ip)),
  );

  app.post<{
    Params: { id: string };
    Body: {
      mode: 'test' | 'live';
      name?: string;
      dailyTokens?: number | null;
      monthlyTokens?: number | null;
      allowedModels?: string[] | null;
      allowedProviders?: string[] | null;
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
            allowedModels: allowlist,
            allowedProviders: allowlist,
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const key = await accounts.createKey(
        request.params.id,
        {
          mode: b.mode,
          name: b.name ?? '',
          dailyTokens: b.dailyTokens ?? null,
          monthlyTokens: b.monthlyTokens ?? null,
          allowedModels: b.allowedModels,
          allowedProviders: b.allowedProviders,
        },
        adminActor(request.ip),
      );
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

  app.patch<{
    Params: { id: string };
    Body: { allowedModels?: string[] | null; allowedProviders?: string[] | null };
  }>(
    '/api/v1/admin/keys/:id',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { allowedModels: allowlist, allowedProviders: allowlist },
        },
      },
    },
    async (request) => accounts.setAllowlists(request.params.id, request.body ?? {}, adminActor(request.ip)),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/admin/keys/:id/revoke',
    { schema: { params: idParams } },
    async (request) => accounts.revokeKey(request.params.id, adminActor(request.ip)),
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
            adminActor(request.ip),
          ),
        ),
  );
}
