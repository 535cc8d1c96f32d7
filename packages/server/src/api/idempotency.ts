import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJson } from '../canonical-json.ts';
import type { Database } from '../db/database.ts';
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
export function installIdempotency(app: FastifyInstance, db: Database): void {
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
    const rows = await db.query<{
      claimed: boolean;
      request_hash: string | null;
      status: number | null;
      body: unknown;
    }>(
      `WITH claim AS (
         INSERT INTO idempotency_keys (account_id, key, request_hash) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, key) DO UPDATE SET created_at = now(), request_hash = $3, status = NULL, body = NULL
           WHERE idempotency_keys.created_at < now() - interval '24 hours'
             OR (idempotency_keys.status IS NULL AND idempotency_keys.request_hash = $3
               AND idempotency_keys.created_at < now() - make_interval(secs => $4))
         RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM claim) AS claimed, i.request_hash, i.status, i.body
       FROM (SELECT 1) AS one LEFT JOIN idempotency_keys i ON i.account_id = $1 AND i.key = $2`,
      [accountId, key, hash, ABANDONED_SECONDS],
    );
    if (rows[0]?.claimed) {
      request.idempotencyKey = key;
      return;
    }
    // Not claimed: a row committed while the claim waited is not in that statement's snapshot; read it again.
    const existing = rows[0]?.request_hash
      ? rows[0]
      : (
          await db.query<{ request_hash: string; status: number | null; body: unknown }>(
            'SELECT request_hash, status, body FROM idempotency_keys WHERE account_id = $1 AND key = $2',
            [accountId, key],
          )
        )[0];
    if (!existing || existing.request_hash !== hash) {
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
      await db.query('DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND status IS NULL', [
        accountId,
        key,
      ]);
      return payload;
    }
    try {
      await db.query(
        'UPDATE idempotency_keys SET status = $3, body = $4 WHERE account_id = $1 AND key = $2',
        [accountId, key, reply.statusCode, payload],
      );
    } catch (error) {
      // The answer still goes out; the key is released so a retry is answered afresh rather than held.
      request.log.error({ err: error }, 'could not keep the answer of an Idempotency-Key');
      await db
        .query('DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND status IS NULL', [
          accountId,
          key,
        ])
        .catch(() => undefined);
    }
    return payload;
  });
}
