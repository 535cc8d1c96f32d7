import { ApiError } from '../errors.ts';

/** The longest `Prefer: wait=N` honoured, in seconds. */
export const MAX_WAIT_SECONDS = 60;

/**
 * The `wait` preference (RFC 7240) of a `Prefer` header in seconds, or null when none was asked for.
 * Other preferences are ignored; a wait that is not a whole number from 1 to 60 is a 400 naming `Prefer`.
 */
export function preferredWaitSeconds(header: string | string[] | undefined): number | null {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  for (const value of values) {
    for (const part of value.split(',')) {
      const [name, raw] = (part.split(';')[0] ?? '').split('=').map((s) => s.trim());
      if (name?.toLowerCase() !== 'wait') continue;
      const seconds = Number(raw?.replace(/^"(.*)"$/, '$1'));
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_WAIT_SECONDS) {
        throw new ApiError(
          'invalid_request',
          400,
          `Prefer: wait must be a whole number of seconds from 1 to ${MAX_WAIT_SECONDS}.`,
          { param: 'Prefer' },
        );
      }
      return seconds;
    }
  }
  return null;
}
