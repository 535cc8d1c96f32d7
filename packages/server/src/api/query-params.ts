import { ApiError } from '../errors.ts';

/** A date (2026-11-01) or time (2026-11-01T12:00:00Z, with an optional offset) in ISO 8601, years 1900–9999. */
const ISO_DATE = /^(\d{4})-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** A date or time query parameter; `fallback` when it is absent, a 400 naming it when it is not one. */
export function dateParam<F extends Date | null>(value: unknown, name: string, fallback: F): Date | F {
  if (value === undefined) return fallback;
  const year = typeof value === 'string' ? Number(ISO_DATE.exec(value)?.[1] ?? Number.NaN) : Number.NaN;
  const d = year >= 1900 && year <= 9999 ? new Date(value as string) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) {
    throw new ApiError(
      'invalid_request',
      400,
      `${name} must be a date or time from the years 1900–9999, such as 2026-11-01 or 2026-11-01T12:00:00Z.`,
      { param: name },
    );
  }
  return d;
}

/** `limit`: a whole number from 1 to 200, 50 when absent. */
export function limitParam(value: unknown): number {
  const limit =
    value === undefined
      ? 50
      : typeof value === 'string' && /^\d{1,3}$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new ApiError('invalid_request', 400, 'limit must be a whole number from 1 to 200.', {
      param: 'limit',
    });
  }
  return limit;
}

/** `cursor` as the id of the last row of a page (null when absent); a 400 when it cannot be one. */
export function idCursorParam(value: unknown): number | null {
  if (value === undefined) return null;
  if (typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value)) return Number(value);
  throw new ApiError(
    'invalid_request',
    400,
    'cursor is not one this API returned; pass nextCursor unchanged.',
    {
      param: 'cursor',
    },
  );
}

/** An optional text filter of at most 200 characters; a 400 naming it otherwise. */
export function textParam(value: unknown, name: string): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string' && value.length > 0 && value.length <= 200) return value;
  throw new ApiError('invalid_request', 400, `${name} must be one value of 1 to 200 characters.`, {
    param: name,
  });
}
