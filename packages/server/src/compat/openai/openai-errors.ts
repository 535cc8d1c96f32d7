import type { FastifyInstance, FastifyRequest } from 'fastify';
import { toApiError } from '../../api/error-handler.ts';
import { ApiError } from '../../errors.ts';

/** OpenAI's error envelope. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** OpenAI's error `type` for a status. */
function typeOf(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 402) return 'insufficient_quota';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Per request, how Reelay's parameter names (`input.duration`) read in this shape (`seconds`). */
const renames = new WeakMap<FastifyRequest, (param: string) => string>();

/** Says how this request's Reelay parameter names are called in the OpenAI shape. */
export function renameParams(request: FastifyRequest, rename: (param: string) => string): void {
  renames.set(request, rename);
}

/** A 400 naming an OpenAI parameter. */
export const invalidParam = (param: string, message: string) =>
  new ApiError('invalid_request', 400, message, { param });

/**
 * Errors of the OpenAI routes in OpenAI's envelope, `{error: {message, type, param, code}}`. Field errors are a
 * 400 (where Reelay's own API answers 422) so the client raises its BadRequestError; 402 stays a 4xx; a 429
 * keeps its Retry-After. A 409 about state (a finished video) says `x-should-retry: false`, as the OpenAI clients
 * otherwise retry every 409.
 */
export function installOpenAiErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((raw: Error, request, reply) => {
    const error = toApiError(raw);
    if (error.status >= 500) request.log.error({ err: raw }, 'request failed');
    const rename = renames.get(request) ?? ((p: string) => p);
    const details = error.extra.details ?? [];
    const message =
      details.length > 1 ? details.map((d) => `${rename(d.param)}: ${d.message}`).join(' ') : error.message;
    const param = error.extra.param ?? details[0]?.param;
    const status = error.status === 422 ? 400 : error.status;
    const body: OpenAiErrorBody = {
      error: {
        message,
        type: typeOf(status),
        param: param === undefined ? null : rename(param),
        code: details.length === 1 ? (details[0]?.code ?? error.code) : error.code,
      },
    };
    if (error.extra.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(error.extra.retryAfterSeconds));
    if (status === 409 && error.code !== 'idempotency_conflict') reply.header('x-should-retry', 'false');
    reply.header('x-request-id', String(request.id));
    return reply.status(status).send(body);
  });
  scope.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        message: `No route ${request.method} ${request.url.split('?')[0]}.`,
        type: 'invalid_request_error',
        param: null,
        code: 'unknown_url',
      },
    } satisfies OpenAiErrorBody),
  );
}
