import type { FieldError } from '@reelay/catalog';

/** Machine-readable error codes the API answers with. */
export type ErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'model_not_allowed'
  | 'provider_not_allowed'
  | 'insufficient_tokens'
  | 'budget_exceeded'
  | 'not_found'
  | 'model_not_found'
  | 'model_retired'
  | 'idempotency_conflict'
  | 'conflict'
  | 'generation_active'
  | 'asset_in_use'
  | 'asset_deleted'
  | 'asset_expired'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'price_unavailable'
  | 'unsupported_input'
  | 'rate_limited'
  | 'internal_error';

/** One error taxonomy: every failure a client sees is an ApiError turned into JSON in one place. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly extra: { param?: string; details?: FieldError[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, param?: string) =>
  new ApiError('invalid_request', 400, message, param ? { param } : {});

export const notFound = (what: string, id: string) =>
  new ApiError('not_found', 404, `No ${what} with id ${id}.`);

/** A 422 listing every bad field; `param` names the first. */
export function validationFailed(details: FieldError[]): ApiError {
  const first = details[0];
  const message =
    details.length === 1 && first ? first.message : `${details.length} fields are invalid; see details.`;
  return new ApiError('validation_failed', 422, message, {
    details,
    ...(first ? { param: first.param } : {}),
  });
}
