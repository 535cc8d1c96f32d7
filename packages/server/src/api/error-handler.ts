import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FieldError } from '@reelay/catalog';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, validationFailed } from '../errors.ts';
import { newId } from '../ids.ts';

interface ErrorBody {
  error: {
    code: string;
    message: string;
    param?: string;
    details?: unknown[];
    requestId: string;
    traceId?: string;
  };
}

/** Turns every thrown error into the one error JSON; 5xx only for real faults, which are logged. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((raw: FastifyError | ApiError | Error, request, reply) => {
    const error = toApiError(raw);
    if (error.status >= 500) request.log.error({ err: raw }, 'request failed');
    const body: ErrorBody = {
      error: {
        code: error.code,
        message: error.message,
        ...(error.extra.param !== undefined ? { param: error.extra.param } : {}),
        ...(error.extra.details !== undefined ? { details: error.extra.details } : {}),
        requestId: String(request.id),
        ...(request.traceId !== null ? { traceId: request.traceId } : {}),
      },
    };
    if (error.extra.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(error.extra.retryAfterSeconds));
    return reply.status(error.status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: 'not_found',
        message: `No route ${request.method} ${request.url.split('?')[0]}.`,
        requestId: String(request.id),
        ...(request.traceId !== null ? { traceId: request.traceId } : {}),
      },
    } satisfies ErrorBody),
  );
}

/** Errors Fastify meets before routing (a URL that does not decode), in the same error JSON. */
export function answerUnroutable(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const body: ErrorBody = {
    error: {
      code: 'invalid_request',
      message:
        error.code === 'FST_ERR_BAD_URL'
          ? 'The URL does not decode: a % must start a valid UTF-8 escape such as %20.'
          : error.message,
      requestId: String(request.id),
    },
  };
  reply.status(400).send(body);
}

/** Any thrown error as the ApiError it answers as. */
export function toApiError(raw: FastifyError | ApiError | Error): ApiError {
  if (raw instanceof ApiError) return raw;
  const fastify = raw as FastifyError;
  if (fastify.validation) return fromSchemaErrors(fastify);
  switch (fastify.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('invalid_json', 400, `The body is not valid JSON: ${fastify.message}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large', 413, 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(
        'unsupported_media_type',
        415,
        'Send the body as JSON with "Content-Type: application/json".',
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('invalid_request', 400, 'The Content-Length does not match the body.');
  }
  if (raw instanceof SyntaxError && fastify.statusCode === 400) {
    return new ApiError('invalid_json', 400, `The body is not valid JSON: ${raw.message}`);
  }
  const status = fastify.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new ApiError('invalid_request', status, fastify.message);
  }
  return new ApiError(
    'internal_error',
    500,
    'Something went wrong on our side; the request id helps us find it.',
  );
}

/** A route schema's errors (ajv) as one 422 naming every bad field. */
function fromSchemaErrors(error: FastifyError): ApiError {
  const details = (error.validation ?? []).map((v) => {
    const params = v.params as { missingProperty?: string; additionalProperty?: string };
    const path = v.instancePath.split('/').filter(Boolean).join('.');
    const name = [path, params.missingProperty ?? params.additionalProperty].filter(Boolean).join('.');
    const where = error.validationContext === 'body' ? name : `${error.validationContext ?? ''}.${name}`;
    const code = params.missingProperty
      ? 'required'
      : params.additionalProperty
        ? 'unknown_field'
        : 'invalid_value';
    const message = params.additionalProperty
      ? `${where} is not a known field`
      : `${where || 'The body'} ${v.message ?? 'is invalid'}`;
    return { param: where || 'body', code, message } satisfies FieldError;
  });
  const seen = new Set<string>();
  return validationFailed(details.filter((d) => !seen.has(d.param) && seen.add(d.param)));
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers too large, framing that does not add up,
 * a request line that is not HTTP, headers that never finish): the same error JSON, then the connection closes.
 * Nothing of the request is echoed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request line and headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request did not arrive in time.']
        : [400, 'The request is not valid HTTP/1.1 (its request line, headers or body framing).'];
  const body = JSON.stringify({
    error: { code: 'invalid_request', message, requestId: newId('req') },
  } satisfies ErrorBody);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}
