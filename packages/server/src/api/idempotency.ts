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

/** Whose keys these are: the calling account, or the operator for the admin API. */
const scopeOf = (request: FastifyRequest) =>
  request.principal?.accountId ?? (request.isAdmin ? 'admin' : null);

/** What a key holds: its first request's hash and, once answered, that answer (status null until then). */
export interface KeptAnswer {
  requestHash: string;
  status: number | null;
  body: unknown;
}

/** Where keys and their answers are kept (store/idempotency-keys.ts), per account or the operator (`scope`). */
export interface IdempotencyStore {
  /** Claims the key (new, expired, or abandoned by a first request of the same hash), else reads what it holds. */
  claim(
    scope: string,
    key: string,
    requestHash: string,
    abandonedSeconds: number,
  ): Promise<{ claimed: boolean; held: KeptAnswer | null }>;
  read(scope: string, key: string): Promise<KeptAnswer | null>;
  keep(scope: string, key: string, status: number, body: string): Promise<void>;
  release(scope: string, key: string): Promise<void>;
}

/** A first request that has not answered after this long is taken as lost, and the key may be used again. */
const ABANDONED_SECONDS = 120;

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
 * while the first is still running. Server faults and 429s are not kept, so they can be retried.
 */
export function installIdempotency(app: FastifyInstance, keys: IdempotencyStore): void {
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
    const { claimed, held } = await keys.claim(accountId, key, hash, ABANDONED_SECONDS);
    if (claimed) {
      request.idempotencyKey = key;
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
          retryAfterSeconds: 1,
        },
      );
    }
    return reply.status(existing.status).header('idempotent-replayed', 'true').send(existing.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
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
}
