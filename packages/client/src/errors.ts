import type { FieldError } from '@reelay/contract';

/** One bad field of a request, as the API names it (`input.duration`, `input.referenceAssetUris[3]`). */
export type { FieldError };

interface ErrorInit {
  status: number;
  code: string;
  message: string;
  param?: string | undefined;
  details?: FieldError[] | undefined;
  requestId?: string | undefined;
}

/** Every error the API answers with: its HTTP status, machine code, the field it names and the request id. */
export class ReelayError extends Error {
  override name = 'ReelayError';
  readonly status: number;
  readonly code: string;
  /** The field, header or query parameter that was wrong, when there is one. */
  readonly param: string | undefined;
  readonly requestId: string | undefined;
  constructor(init: ErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.param = init.param;
    this.requestId = init.requestId;
  }
}

/** 400: malformed JSON, or a bad query parameter or header. */
export class BadRequestError extends ReelayError {
  override name = 'BadRequestError';
}

/** 401/403: no key, an unknown or revoked key, or a key that may not do this. */
export class AuthenticationError extends ReelayError {
  override name = 'AuthenticationError';
}

/** 402: not enough tokens (`insufficient_tokens`) or a key budget spent (`budget_exceeded`). */
export class InsufficientTokensError extends ReelayError {
  override name = 'InsufficientTokensError';
}

/** 404: no such id for this account, or no such model. */
export class NotFoundError extends ReelayError {
  override name = 'NotFoundError';
}

/** 409: an Idempotency-Key reused with another request, or a generation that has already finished. */
export class ConflictError extends ReelayError {
  override name = 'ConflictError';
}

/** 413: the body is too large. */
export class PayloadTooLargeError extends ReelayError {
  override name = 'PayloadTooLargeError';
}

/** 415: not JSON where JSON is expected, or not a supported media file. */
export class UnsupportedMediaTypeError extends ReelayError {
  override name = 'UnsupportedMediaTypeError';
}

/** 422: every bad field at once, in `details`. */
export class ValidationError extends ReelayError {
  override name = 'ValidationError';
  readonly details: FieldError[];
  constructor(init: ErrorInit) {
    super(init);
    this.details = init.details ?? [];
  }
}

/** 429: too many requests or generations; `retryAfter` is the server's Retry-After in seconds. */
export class RateLimitError extends ReelayError {
  override name = 'RateLimitError';
  constructor(
    init: ErrorInit,
    readonly retryAfter: number | null,
  ) {
    super(init);
  }
}

/** 5xx: a fault on the server's side. */
export class ServerError extends ReelayError {
  override name = 'ServerError';
}

/** The gateway could not be reached, or the connection broke before an answer. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
}

/** Seconds from a Retry-After header (seconds or an HTTP date), or null. */
export function retryAfterSeconds(header: string | null, now: number): number | null {
  if (header === null || header.trim() === '') return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, (date - now) / 1000);
}

/** The typed error for an API error answer. */
export async function errorFromResponse(response: Response, now: number): Promise<ReelayError> {
  const text = await response.text().catch(() => '');
  let body: { error?: Partial<ErrorInit> & { details?: FieldError[] } } = {};
  try {
    body = JSON.parse(text);
  } catch {}
  const e = body.error ?? {};
  const init: ErrorInit = {
    status: response.status,
    code: e.code ?? `http_${response.status}`,
    message: e.message ?? (text.slice(0, 200) || `${response.status} ${response.statusText}`),
    param: e.param,
    details: e.details,
    requestId: e.requestId ?? response.headers.get('x-request-id') ?? undefined,
  };
  switch (response.status) {
    case 400:
      return new BadRequestError(init);
    case 401:
    case 403:
      return new AuthenticationError(init);
    case 402:
      return new InsufficientTokensError(init);
    case 404:
      return new NotFoundError(init);
    case 409:
      return new ConflictError(init);
    case 413:
      return new PayloadTooLargeError(init);
    case 415:
      return new UnsupportedMediaTypeError(init);
    case 422:
      return new ValidationError(init);
    case 429:
      return new RateLimitError(init, retryAfterSeconds(response.headers.get('retry-after'), now));
  }
  return response.status >= 500 ? new ServerError(init) : new ReelayError(init);
}
