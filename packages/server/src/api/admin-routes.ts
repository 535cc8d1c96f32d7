import type { FastifyInstance } from 'fastify';
import { adminActor } from '../audit/audit-service.ts';
import { ApiError } from '../errors.ts';
import type { KeyMode } from '../key-mode.ts';
import { UPSTREAM_IDS } from '../providers/upstream-ids.ts';
import { hostedModels } from '../providers/upstream-models.ts';
import type { CheckScope } from '../upstream-check/upstreams-check.ts';
import { adminDeliveryJson, type DeliveryState } from '../webhooks/webhook-deliveries.ts';
import type { ApiDeps } from './deps.ts';
import {
  type KeyCreateBody,
  type KeySettingsBody,
  keyCreateProperties,
  keySettings,
  newKeyFields,
} from './keys-routes.ts';

const limit = { anyOf: [{ type: 'integer', minimum: 1, maximum: 10_000_000 }, { type: 'null' }] };
const mode = { type: 'string', enum: ['test', 'live'] };
const alertUrl = { anyOf: [{ type: 'string', maxLength: 2048 }, { type: 'null' }] };
const threshold = { anyOf: [{ type: 'number', minimum: 0, maximum: 1e12 }, { type: 'null' }] };
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };

const invalid = (param: string, message: string) => new ApiError('invalid_request', 400, message, { param });

/** A whole number query parameter from `min` to `max`, or `fallback` when it is not sent. */
function wholeParam(
  q: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (q[name] === undefined) return fallback;
  const n = Number(q[name]);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw invalid(name, `${name} must be a whole number from ${min} to ${max}.`);
  }
  return n;
}

/** An optional text query parameter (an empty one counts as not sent). */
const textParam = (q: Record<string, unknown>, name: string): string | null => {
  const v = q[name];
  if (v === undefined || v === '') return null;
  if (typeof v !== 'string') throw invalid(name, `${name} must be sent once.`);
  return v;
};

/** An optional list of names in a body, each one of `known`; null when it is not sent. */
function namesParam(body: Record<string, unknown>, name: string, known: readonly string[]): string[] | null {
  const v = body[name];
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string')) {
    throw invalid(name, `${name} must be a non-empty list of names.`);
  }
  const unknown = v.filter((x) => !known.includes(x));
  if (unknown.length > 0) {
    throw invalid(name, `${name} names ${unknown.join(', ')}, which is not one of ${known.join(', ')}.`);
  }
  return v;
}

/** The scope of an upstreams check from its body: `{models?, upstreams?}`, each a list of names. */
function checkScope(raw: unknown): CheckScope {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('body', 'The body must be a JSON object.');
  const body = raw as Record<string, unknown>;
  const extra = Object.keys(body).filter((k) => k !== 'models' && k !== 'upstreams');
  if (extra.length > 0)
    throw invalid(extra[0] ?? 'body', `${extra[0]} is not a field; send models and upstreams.`);
  const hosted = hostedModels();
  const models = namesParam(body, 'models', [...new Set(hosted.map((h) => h.model))]);
  const upstreams = namesParam(body, 'upstreams', UPSTREAM_IDS);
  return { ...(models ? { models } : {}), ...(upstreams ? { upstreams } : {}) };
}

const DELIVERY_STATES: readonly DeliveryState[] = ['pending', 'succeeded', 'failed'];

/**
 * The operator's API (admin key only): accounts, their limits, keys and token grants; and what the console
 * watches over every account: provider health, the queue and webhook deliveries (with replay).
 */
export function adminRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { accounts } = deps;

  app.get('/api/v1/admin/accounts', async (request) => {
    const q = request.query as Record<string, unknown>;
    return accounts.list({ limit: wholeParam(q, 'limit', 50, 1, 200), cursor: textParam(q, 'cursor') });
  });

  app.get('/api/v1/admin/providers', async (request) => {
    const q = request.query as Record<string, unknown>;
    const hours = wholeParam(q, 'hours', 24, 1, 24 * 90);
    return deps.operations.providerHealth(new Date(Date.now() - hours * 3_600_000));
  });

  app.get('/api/v1/admin/queue', async () => deps.operations.queue());

  // Reads every route's upstream schema now (no body: every route), so it is a POST: nothing is cached.
  app.post('/api/v1/admin/upstreams/check', async (request) =>
    deps.upstreamsCheck.run(checkScope(request.body)),
  );

  app.get('/api/v1/admin/webhooks/deliveries', async (request) => {
    const q = request.query as Record<string, unknown>;
    const state = textParam(q, 'state');
    if (state !== null && !DELIVERY_STATES.some((s) => s === state)) {
      throw invalid('state', 'state must be pending, succeeded or failed.');
    }
    const page = await deps.webhooks.listAllDeliveries({
      limit: wholeParam(q, 'limit', 20, 1, 100),
      cursor: textParam(q, 'cursor'),
      state: DELIVERY_STATES.find((s) => s === state) ?? null,
      accountId: textParam(q, 'accountId'),
    });
    return { data: page.data.map(adminDeliveryJson), nextCursor: page.nextCursor };
  });

  app.post<{ Params: { id: string } }>(
    '/api/v1/admin/webhooks/deliveries/:id/replay',
    { schema: { params: idParams } },
    async (request, reply) =>
      reply.status(202).send(adminDeliveryJson(await deps.webhooks.replayAny(request.params.id))),
  );

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
      provenance?: boolean;
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
            provenance: { type: 'boolean' },
          },
        },
      },
    },
    async (request) => accounts.setLimits(request.params.id, request.body, adminActor(request.ip)),
  );

  app.post<{ Params: { id: string }; Body: KeyCreateBody & { mode: KeyMode } }>(
    '/api/v1/admin/accounts/:id/keys',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['mode'],
          properties: { mode, ...keyCreateProperties },
        },
      },
    },
    async (request, reply) => {
      const key = await accounts.createKey(
        request.params.id,
        newKeyFields(request.body, request.body.mode),
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

  app.patch<{ Params: { id: string }; Body: KeySettingsBody }>(
    '/api/v1/admin/keys/:id',
    {
      schema: {
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: keySettings,
        },
      },
    },
    async (request) => accounts.changeKey(request.params.id, request.body ?? {}, adminActor(request.ip)),
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
