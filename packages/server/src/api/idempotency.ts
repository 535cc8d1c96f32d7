import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson } from '../canonical-json.ts';
import { ApiError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | null;
    /** Set for requests made with the operator's admin key. */
    isAdmin: boolean;
  }
}

/**
 * Whose keys these are: the calling account in its key's mode (`acc_…:test`, `acc_…:live`: a test request and a
 * live one never share a key), or the operator for the admin API.
 */
const scopeOf = (request: FastifyRequest) =>
  request.principal
    ? `${request.principal.accountId}:${request.principal.mode}`
    : request.isAdmin
      ? 'admin'
      : null;

/** What a key holds: its first request's hash and, once answered, that answer (status null until then). */
export interface KeptAnswer {
  requestHash: string;
  status: number | null;
  body: unknown;
  /** While unanswered: how long the first request's hold lasts unless renewed. */
  leaseLeftMs: number;
}

/** Where keys and their answers are kept (store/idempotency-keys.ts), per account or the operator (`scope`). */
export interface IdempotencyStore {
  /**
   * Claims the key (new, expired, or abandoned by a first request of the same hash whose lease lapsed) for
   * `leaseMs`, else reads what it holds.
   */
  claim(
    scope: string,
    key: string,
    requestHash: string,
    leaseMs: number,
  ): Promise<{ claimed: boolean; held: KeptAnswer | null }>;
  /** Extends the hold of a first request that is still running. */
  renew(scope: string, key: string, leaseMs: number): Promise<boolean>;
  read(scope: string, key: string): Promise<KeptAnswer | null>;
  keep(scope: string, key: string, status: number, body: string): Promise<void>;
  release(scope: string, key: string): Promise<void>;
}

/** The running first requests of this process: their renewal timers, stopped when they answer. */
const renewals = new WeakMap<FastifyRequest, NodeJS.Timeout>();

function stopRenewing(request: FastifyRequest): void {
  clearInterval(renewals.get(request));
  renewals.delete(request);
}

function keyOf(request: FastifyRequest): string | null {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return null;
  const key = Array.isArray(header) ? header[0] : header;
  if (!key || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ApiError(
      'invalid_request',
      400,
      'Idempotency-Key must be 1 to 255 printable ASCII characters.',
      {
        param: 'Idempotency-Key',
      },
    );
  }
  return key;
}

/**
 * What makes two requests "the same": method, path and body. Uploads are not read ahead (they stream), so a
 * raw upload is known by its type and length, and a multipart one by its type alone: a retry of the same
 * form gets a new boundary, and with it another length.
 */
function requestHash(request: FastifyRequest): string {
  const type = String(request.headers['content-type'] ?? '');
  const body = type.includes('json')
    ? canonicalJson(request.body)
    : /^multipart\//i.test(type)
      ? (type.split(';')[0] ?? '').trim().toLowerCase()
      : `${type}|${request.headers['content-length'] ?? ''}`;
  return createHash('sha256').update(`${request.method} ${request.url}\n${body}`).digest('hex');
}

/**
 * `Idempotency-Key` on every POST: the first request's status and body are kept for 24 h and replayed for
 * the same key and request; the same key with another request is a 409, as is a duplicate that arrives
 * while the first is still running (with `Retry-After`: the time its hold has left). The first request holds
 * the key by a lease of `leaseMs`, renewed every third of it while it runs; when its process dies the lease
 * lapses, and a retry takes the key over within `leaseMs` (and finds the generation if the create had
 * committed). Server faults and 429s are not kept, so they can be retried.
 */
export function installIdempotency(app: FastifyInstance, keys: IdempotencyStore, leaseMs: number): void {
  app.decorateRequest('idempotencyKey', null);
  app.decorateRequest('isAdmin', false);

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const accountId = scopeOf(request);
    if (request.method !== 'POST' || accountId === null) return;
    const key = keyOf(request);
    if (key === null) return;
    const hash = requestHash(request);
    // One statement claims the key — new, expired (24 h, taken over as new) or abandoned by a first request of
    // the same body — and otherwise reads what it holds.
    const { claimed, held } = await keys.claim(accountId, key, hash, leaseMs);
    if (claimed) {
      request.idempotencyKey = key;
      const timer = setInterval(
        () => {
          keys.renew(accountId, key, leaseMs).then(
            (held) => {
              if (!held) stopRenewing(request);
            },
            (error: unknown) =>
              request.log.warn({ err: error }, 'could not renew the lease of an Idempotency-Key'),
          );
        },
        Math.max(1, Math.floor(leaseMs / 3)),
      );
      timer.unref();
      renewals.set(request, timer);
      return;
    }
    // Not claimed: a row committed while the claim waited is not in that statement's snapshot; read it again.
    const existing = held ?? (await keys.read(accountId, key));
    if (!existing || existing.requestHash !== hash) {
      throw new ApiError(
        'idempotency_conflict',
        409,
        'This Idempotency-Key was already used with a different request.',
        {
          param: 'Idempotency-Key',
        },
      );
    }
    if (existing.status === null) {
      throw new ApiError(
        'conflict',
        409,
        'A request with this Idempotency-Key is still being processed; retry shortly.',
        {
          param: 'Idempotency-Key',
          retryAfterSeconds: Math.max(1, Math.ceil(existing.leaseLeftMs / 1000)),
        },
      );
    }
    return reply.status(existing.status).header('idempotent-replayed', 'true').send(existing.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    stopRenewing(request);
    const key = request.idempotencyKey;
    const accountId = scopeOf(request);
    if (key === null || accountId === null) return payload;
    if (reply.statusCode >= 500 || reply.statusCode === 429 || typeof payload !== 'string') {
      await keys.release(accountId, key);
      return payload;
    }
    try {
      await keys.keep(accountId, key, reply.statusCode, payload);
    } catch (error) {
      // The answer still goes out; the key is released so a retry is answered afresh rather than held.
      request.log.error({ err: error }, 'could not keep the answer of an Idempotency-Key');
      await keys.release(accountId, key).catch(() => undefined);
    }
    return payload;
  });
  // However a request ends, its key stops being renewed.
  app.addHook('onResponse', async (request) => stopRenewing(request));
}
