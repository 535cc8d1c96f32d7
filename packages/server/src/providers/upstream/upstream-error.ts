/**
 * What went wrong talking to an upstream, in the few kinds the retry policy decides on:
 * - `auth`: credentials refused or not allowed (final for this provider);
 * - `balance`: the upstream account is out of money or credits (final for this provider);
 * - `rate`: rate or concurrency limit (wait and retry, honouring Retry-After);
 * - `server`: a 5xx or maintenance answer (retry with backoff);
 * - `connection`: nothing reached the upstream (refused, unknown host);
 * - `timeout`: no answer in time, or the connection broke after the request went out;
 * - `malformed`: an answer that is not the documented JSON;
 * - `invalid`, `content`, `not_found`: the request itself is refused (final);
 * - `expired`: a result URL is gone.
 */
export type UpstreamErrorKind =
  | 'auth'
  | 'balance'
  | 'rate'
  | 'server'
  | 'connection'
  | 'timeout'
  | 'malformed'
  | 'invalid'
  | 'content'
  | 'not_found'
  | 'expired';

/** A failed upstream call with enough facts to decide between retrying, failing over and failing. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
    readonly details: {
      /** HTTP status, when an answer came back. */
      status?: number;
      /** The upstream's own error code, e.g. Kling's 1303. */
      upstreamCode?: string;
      /** From a Retry-After header, in milliseconds. */
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
  }

  /** Whether the upstream may have received (and accepted) the request that failed. */
  get mayHaveArrived(): boolean {
    return this.kind === 'timeout' || this.kind === 'malformed';
  }
}

/** The public error code a generation fails with for each kind. */
export function failureCodeOf(kind: UpstreamErrorKind): string {
  switch (kind) {
    case 'auth':
      return 'provider_auth_failed';
    case 'balance':
      return 'provider_out_of_credit';
    case 'invalid':
      return 'provider_rejected_input';
    case 'content':
      return 'content_filtered';
    case 'expired':
      return 'output_lost';
    case 'not_found':
      return 'provider_task_not_found';
    default:
      return 'provider_unavailable';
  }
}
