/** Why an outbound fetch was refused or failed. */
export type GuardedFetchErrorCode =
  | 'invalid_url'
  | 'scheme_not_allowed'
  | 'address_not_allowed'
  | 'dns_failed'
  | 'connection_failed'
  | 'timeout'
  | 'too_many_redirects'
  | 'redirect_not_followed'
  | 'too_large';

/**
 * A refused or failed outbound fetch. Callers turn it into a client error on the field that named the URL
 * (a 422 for an input URL), or into a failed delivery for webhooks; it never becomes a 500.
 */
export class GuardedFetchError extends Error {
  override name = 'GuardedFetchError';
  constructor(
    readonly code: GuardedFetchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The GuardedFetchError inside an error's `cause` chain (undici wraps connector errors), if any. */
export function findGuardedFetchError(error: unknown): GuardedFetchError | null {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof GuardedFetchError) return current;
    current = current.cause;
  }
  return null;
}
