import type { FastifyRequest } from 'fastify';
import { authenticate, type Principal } from '../billing/api-keys.ts';
import type { Queryable } from '../db/database.ts';
import { ApiError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The caller of a request, from `Authorization: Bearer <key>`; 401 when missing or not a live key. */
export async function principalOf(db: Queryable, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  if (!header) {
    throw new ApiError(
      'unauthorized',
      401,
      'Missing API key: send the header "Authorization: Bearer <your key>".',
    );
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1])
    throw new ApiError('unauthorized', 401, 'The Authorization header must be "Bearer <your key>".');
  const principal = await authenticate(db, match[1]);
  if (!principal) throw new ApiError('unauthorized', 401, 'This API key is not valid or has been revoked.');
  return principal;
}

/** The principal set by the auth hook; routes behind it always have one. */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError('unauthorized', 401, 'Missing API key.');
  return request.principal;
}
