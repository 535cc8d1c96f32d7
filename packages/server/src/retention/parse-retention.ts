import type { FieldError } from '@reelay/catalog';
import { validationFailed } from '../errors.ts';

/** The shortest retention a request or key may ask for: a minute. */
export const MIN_RETENTION_SECONDS = 60;
/** The longest: 365 days (longer keeping is the server's setting, or deleting by hand). */
export const MAX_RETENTION_SECONDS = 365 * 86_400;

/** An ISO-8601 duration of days, hours, minutes and seconds (`P7D`, `PT36H`, `P1DT12H30M`); no years or months. */
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** The seconds an ISO-8601 duration names, or null when it is not one this API takes. */
function durationSeconds(text: string): number | null {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return null;
  const [days = 0, hours = 0, minutes = 0, seconds = 0] = match.slice(1).map((v) => Number(v ?? 0));
  return days * 86_400 + hours * 3600 + minutes * 60 + seconds;
}

/**
 * How long a request (or a key, by default) asks for its inputs and outputs to be kept: a whole number of
 * seconds, or an ISO-8601 duration in days, hours, minutes and seconds; from a minute to 365 days. Returns the
 * seconds, or the field error naming `param`.
 */
export function parseRetention(value: unknown, param: string): { seconds: number } | { error: FieldError } {
  const seconds =
    typeof value === 'number' && Number.isInteger(value)
      ? value
      : typeof value === 'string'
        ? durationSeconds(value.trim().toUpperCase())
        : null;
  if (seconds === null) {
    return {
      error: {
        param,
        code: 'invalid_type',
        message: `${param} must be a whole number of seconds or an ISO-8601 duration such as "P7D" or "PT12H".`,
      },
    };
  }
  if (seconds < MIN_RETENTION_SECONDS || seconds > MAX_RETENTION_SECONDS) {
    return {
      error: {
        param,
        code: 'out_of_range',
        message: `${param} must be between ${MIN_RETENTION_SECONDS} seconds and ${MAX_RETENTION_SECONDS / 86_400} days (P365D); got ${seconds} seconds.`,
      },
    };
  }
  return { seconds };
}

/**
 * A key's `defaultRetention` as sent: absent (undefined, unchanged), `null` (the server's setting) or a retention
 * as {@link parseRetention} reads it; anything else is a 422 naming `param`.
 */
export function keyRetention(value: unknown, param = 'defaultRetention'): number | null | undefined {
  if (value === undefined || value === null) return value;
  const parsed = parseRetention(value, param);
  if ('error' in parsed) throw validationFailed([parsed.error]);
  return parsed.seconds;
}
