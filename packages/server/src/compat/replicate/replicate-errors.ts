import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.ts';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthenticated',
  402: 'Insufficient credit',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Input validation failed',
  429: 'Too many requests',
};

/** One entry of Replicate's `invalid_fields`. */
export interface InvalidField {
  type: string;
  field: string;
  description: string;
}

/**
 * Errors on the Replicate routes as Replicate sends them: `{title, detail, status}` (problem+json), and for a 422
 * `invalid_fields` naming every bad field. Reelay's own error codes decide the status, as on its own API.
 */
export function installReplicateErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((raw: FastifyError | ApiError | Error, request, reply) => {
    const error = raw instanceof ApiError ? raw : fromFastify(raw as FastifyError);
    if (error.status >= 500) request.log.error({ err: raw }, 'request failed');
    if (error.extra.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(error.extra.retryAfterSeconds));
    const details = error.extra.details ?? [];
    const invalid: InvalidField[] = details.map((d) => ({
      type: d.code,
      field: d.param,
      description: d.message,
    }));
    return reply
      .status(error.status)
      .type('application/problem+json')
      .send({
        title: TITLES[error.status] ?? (error.status >= 500 ? 'Internal server error' : 'Error'),
        detail:
          invalid.length > 0
            ? invalid.map((f) => `- ${f.field}: ${f.description}`).join('\n')
            : error.message,
        status: error.status,
        ...(invalid.length > 0 ? { invalid_fields: invalid } : {}),
      });
  });
}

function fromFastify(raw: FastifyError): ApiError {
  const status = raw.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError('invalid_request', status, raw.message);
  }
  return new ApiError(
    'internal_error',
    500,
    'Something went wrong on our side; the request id helps us find it.',
  );
}
