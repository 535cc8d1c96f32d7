import type { ApiKey } from '@reelay/contract';
import type { FastifyInstance } from 'fastify';
import { keyActor } from '../audit/audit-service.ts';
import type { Principal } from '../billing/api-keys.ts';
import { ApiError } from '../errors.ts';
import type { KeyMode } from '../key-mode.ts';
import { keyRetention } from '../retention/parse-retention.ts';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';

const budget = { anyOf: [{ type: 'number', minimum: 0, maximum: 1e12 }, { type: 'null' }] };
/** A model or provider allowlist (the ids are checked by the service): a list of ids, or null for none. */
const allowlist = {
  anyOf: [{ type: 'array', maxItems: 100, items: { type: 'string', maxLength: 200 } }, { type: 'null' }],
};
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
/** Seconds or an ISO-8601 duration, checked by `keyRetention` (which names the field in its 422). */
const retention = { anyOf: [{ type: 'number' }, { type: 'string', maxLength: 40 }, { type: 'null' }] };
/**
 * A key's budget alert percentages: the type and a bound on the size here, the values checked by the service
 * (`checkBudgetAlertThresholds`, whose 422 names the field).
 */
const alertThresholds = { type: ['array', 'null'], maxItems: 100 };
/** What a key's create and change bodies may set beside its name, mode and budgets (self-service and admin alike). */
export const keySettings = {
  allowedModels: allowlist,
  allowedProviders: allowlist,
  defaultRetention: retention,
  budgetAlertThresholds: alertThresholds,
};

/** A key's create body beside its mode (self-service and admin alike): its name, budgets and settings. */
export const keyCreateProperties = {
  name: { type: 'string', maxLength: 200 },
  dailyTokens: budget,
  monthlyTokens: budget,
  ...keySettings,
};

/** The body of a key change: the fields of {@link keySettings}. */
export interface KeySettingsBody {
  allowedModels?: string[] | null;
  allowedProviders?: string[] | null;
  defaultRetention?: unknown;
  budgetAlertThresholds?: unknown;
}

/** The body of a key create: {@link keyCreateProperties} and the mode. */
export interface KeyCreateBody extends KeySettingsBody {
  mode?: KeyMode;
  name?: string;
  dailyTokens?: number | null;
  monthlyTokens?: number | null;
}

/** The new key's fields from a create's body, in `mode`; its default retention is checked here (a 422 naming it). */
export function newKeyFields(b: KeyCreateBody, mode: KeyMode) {
  return {
    mode,
    name: b.name ?? '',
    dailyTokens: b.dailyTokens ?? null,
    monthlyTokens: b.monthlyTokens ?? null,
    allowedModels: b.allowedModels,
    allowedProviders: b.allowedProviders,
    retentionSeconds: keyRetention(b.defaultRetention) ?? null,
    budgetAlertThresholds: b.budgetAlertThresholds,
  };
}

const testOnly = (param?: string) =>
  new ApiError(
    'forbidden',
    403,
    'A test key may only manage test keys; use a live key.',
    param ? { param } : {},
  );

/**
 * Self-service keys of the caller's account. A test key sees and manages test keys only; a key with a
 * budget or an allowlist may list keys but not create, change or revoke them, so it cannot make itself an
 * unrestricted one.
 */
export function keysRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const visibleKeys = async (p: Principal) => {
    const keys = await deps.accounts.listKeys(p.accountId);
    const self = keys.find((k) => k.id === p.keyId);
    const visible = keys.filter((k) => p.mode === 'live' || k.mode === 'test');
    return { self, visible };
  };
  const requireUnbudgeted = (self: ApiKey | undefined) => {
    if (self && (self.budgets.dailyTokens !== null || self.budgets.monthlyTokens !== null)) {
      throw new ApiError('forbidden', 403, 'A key with a token budget cannot create, change or revoke keys.');
    }
    if (self && (self.allowedModels !== null || self.allowedProviders !== null)) {
      throw new ApiError('forbidden', 403, 'A key with an allowlist cannot create, change or revoke keys.');
    }
  };

  app.get('/api/v1/keys', async (request) => {
    const p = callerOf(request);
    const { visible } = await visibleKeys(p);
    return { data: visible.map((k) => ({ ...k, current: k.id === p.keyId })) };
  });

  app.post<{ Body: KeyCreateBody }>(
    '/api/v1/keys',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { mode: { type: 'string', enum: ['test', 'live'] }, ...keyCreateProperties },
        },
      },
    },
    async (request, reply) => {
      const p = callerOf(request);
      const b = request.body ?? {};
      const mode = b.mode ?? p.mode;
      const fields = newKeyFields(b, mode);
      if (p.mode === 'test' && mode === 'live') throw testOnly('mode');
      requireUnbudgeted((await visibleKeys(p)).self);
      const key = await deps.accounts.createKey(p.accountId, fields, keyActor(p.keyId, request.ip));
      return reply.status(201).send(key);
    },
  );

  // Changes a key's allowlists, default retention and budget alert thresholds, under the rules of revoking one (a test key changes test keys
  // only, and a key with a budget or an allowlist changes none).
  app.patch<{ Params: { id: string }; Body: KeySettingsBody }>(
    '/api/v1/keys/:id',
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
    async (request) => {
      const p = callerOf(request);
      const keys = await deps.accounts.listKeys(p.accountId);
      const target = keys.find((k) => k.id === request.params.id);
      if (!target) throw new ApiError('not_found', 404, `No key with id ${request.params.id}.`);
      if (p.mode === 'test' && target.mode === 'live') throw testOnly();
      requireUnbudgeted(keys.find((k) => k.id === p.keyId));
      return deps.accounts.changeKey(target.id, request.body ?? {}, keyActor(p.keyId, request.ip));
    },
  );

  app.post<{ Params: { id: string } }>('/api/v1/keys/:id/revoke', async (request) => {
    const p = callerOf(request);
    const keys = await deps.accounts.listKeys(p.accountId);
    const target = keys.find((k) => k.id === request.params.id);
    if (!target) throw new ApiError('not_found', 404, `No key with id ${request.params.id}.`);
    if (p.mode === 'test' && target.mode === 'live') throw testOnly();
    requireUnbudgeted(keys.find((k) => k.id === p.keyId));
    return deps.accounts.revokeKey(target.id, keyActor(p.keyId, request.ip));
  });
}
