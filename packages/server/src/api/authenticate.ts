import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../billing/api-keys.ts';
import { ApiError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * The key of `Authorization: Bearer <key>` (or another of the route's `schemes`, such as the `Token` scheme of the
 * Replicate shape); 401 when the header is missing or malformed.
 */
export function bearerOf(request: FastifyRequest, schemes: readonly string[] = ['Bearer']): string {
  const header = request.headers.authorization;
  if (!header) {
    throw new ApiError(
      'unauthorized',
      401,
      'Missing API key: send the header "Authorization: Bearer <your key>".',
    );
  }
  const match = /^(\S+)\s+(\S+)\s*$/.exec(header);
  const scheme = match?.[1]?.toLowerCase();
  if (!match?.[2] || !schemes.some((s) => s.toLowerCase() === scheme))
    throw new ApiError('unauthorized', 401, 'The Authorization header must be "Bearer <your key>".');
  return match[2];
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Admin routes take only the operator's key, compared in constant time; 403 when none is configured. */
export function requireAdmin(request: FastifyRequest, adminKey: string | null): void {
  if (adminKey === null) {
    throw new ApiError(
      'forbidden',
      403,
      'The admin API is off on this gateway: set REELAY_ADMIN_KEY to turn it on.',
    );
  }
  if (!timingSafeEqual(digest(bearerOf(request)), digest(adminKey))) {
    throw new ApiError('unauthorized', 401, 'This is not the admin key.');
  }
}

/** `/metrics` takes only the operator's metrics token, compared in constant time. */
export function requireMetricsToken(request: FastifyRequest, token: string | null): void {
  const sent = request.headers.authorization;
  const match = sent === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(sent);
  if (token === null || !match?.[1] || !timingSafeEqual(digest(match[1]), digest(token))) {
    throw new ApiError(
      'unauthorized',
      401,
      'Send the metrics token (REELAY_METRICS_TOKEN) as "Authorization: Bearer <token>".',
    );
  }
}

/** The principal set by the auth hook; routes behind it always have one. */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError('unauthorized', 401, 'Missing API key.');
  return request.principal;
}
