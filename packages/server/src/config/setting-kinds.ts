import { z } from 'zod';

/*
 * The kinds of value an environment variable holds. Each kind takes the variable's raw string (or its absence)
 * and gives the value the gateway uses, or an issue saying what the value must be ("must be on or off; got
 * \"maybe\""). The variable's name is put in front of the message where the issue becomes a ConfigError.
 */

/** Unset, empty or only spaces: the setting takes its default. */
const unsetIfBlank = (raw: unknown) => (typeof raw === 'string' && raw.trim() === '' ? undefined : raw);

/**
 * Numbers are read by `Number` as given (so " 42 " is 42); only an empty value counts as unset, a value of
 * spaces alone reads as 0.
 */
const unsetIfEmpty = (raw: unknown) => (raw === '' ? undefined : raw);

function wholeNumberIn(min: number, max: number) {
  return z
    .string()
    .refine(
      (raw) => {
        const value = Number(raw);
        return Number.isInteger(value) && value >= min && value <= max;
      },
      { error: (issue) => `must be a whole number from ${min} to ${max}; got "${issue.input}"` },
    )
    .transform(Number);
}

/** A whole number from `min` to `max` (both included); unset or empty: `fallback`. */
export function wholeNumber(fallback: number, min: number, max: number) {
  return z.preprocess(unsetIfEmpty, wholeNumberIn(min, max).default(fallback));
}

/** A whole number from `min` to `max`, or undefined when unset or blank. */
export function optionalWholeNumber(min: number, max: number) {
  return z.preprocess(unsetIfBlank, wholeNumberIn(min, max).optional());
}

const ON = ['1', 'true', 'on', 'yes'];
const OFF = ['0', 'false', 'off', 'no'];

const onOrOff = z
  .string()
  .refine((raw) => [...ON, ...OFF].includes(raw.trim().toLowerCase()), {
    error: (issue) => `must be on or off; got "${issue.input}"`,
  })
  .transform((raw) => ON.includes(raw.trim().toLowerCase()));

/** `on`/`off` (also `true`/`false`, `yes`/`no`, `1`/`0`, in any case); unset: `fallback`. */
export function flag(fallback: boolean) {
  return z.preprocess(unsetIfBlank, onOrOff.default(fallback));
}

/** `on`/`off` as for `flag`, or null when unset (the setting then depends on others). */
export function optionalFlag() {
  return z.preprocess(unsetIfBlank, onOrOff.nullable().default(null));
}

/** Free text, trimmed; unset: `fallback`. */
export function text(fallback: string) {
  return z.preprocess(unsetIfBlank, z.string().trim().default(fallback));
}

/** Text, trimmed, that must be given: unset is an issue saying `must`. */
export function requiredText(must: string) {
  return z.preprocess(unsetIfBlank, z.string(must).trim());
}

/** What a text must satisfy, and the message when it does not. */
interface TextRule {
  valid: (value: string) => boolean;
  must: string | ((value: string) => string);
}

/** Text, trimmed, or null when unset; when given it must satisfy `rule`. */
export function optionalText(rule?: TextRule) {
  let value = z.string().trim();
  if (rule) {
    const { valid, must } = rule;
    value = value.refine(valid, {
      error: (issue) => (typeof must === 'string' ? must : must(String(issue.input))),
    });
  }
  return z.preprocess(unsetIfBlank, value.nullable().default(null));
}

/** One of `choices`, trimmed; unset: `fallback`. */
export function oneOf<const Choice extends string>(
  choices: readonly [Choice, ...Choice[]],
  fallback: Choice,
) {
  const choice = z.enum(choices, {
    error: (issue) => `must be ${choices.join(' or ')}; got "${issue.input}"`,
  });
  return z.preprocess(unsetIfBlank, z.string().trim().pipe(choice).default(fallback));
}

/** A comma-separated list of `choices` (spaces around items ignored, none given: empty); an unknown item is named. */
export function listOf<const Choice extends string>(choices: readonly [Choice, ...Choice[]]) {
  const known = new Set<string>(choices);
  return z.preprocess(
    unsetIfBlank,
    z
      .string()
      .default('')
      .transform((raw, ctx) => {
        const items = raw
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '');
        const unknown = items.find((item) => !known.has(item));
        if (unknown !== undefined) {
          ctx.addIssue({ code: 'custom', message: `must list only ${choices.join(', ')}; got "${unknown}"` });
          return z.NEVER;
        }
        return new Set(items as Choice[]);
      }),
  );
}

function isHttpUrl(raw: string): boolean {
  try {
    const { protocol } = new URL(raw);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** An http(s) URL, trimmed, kept without trailing slashes. */
const httpUrlValue = z
  .string()
  .trim()
  .refine(isHttpUrl, { error: (issue) => `must be an http(s) URL; got "${issue.input}"` })
  .transform((url) => url.replace(/\/+$/, ''));

/** An http(s) URL (trailing slashes dropped); unset: `fallback`. */
export function httpUrl(fallback: string) {
  return z.preprocess(unsetIfBlank, httpUrlValue.default(fallback));
}

/** An http(s) URL (trailing slashes dropped), or null when unset. */
export function optionalHttpUrl() {
  return z.preprocess(unsetIfBlank, httpUrlValue.nullable().default(null));
}

/**
 * A JSON object shaped as `table` says (the issues of its entries name them: `REELAY_PRICES.model.variant`);
 * unset: `{}`, read as given. `example` shows the form in the message when the value is not JSON at all.
 */
export function jsonTable<Table extends z.ZodType<Record<string, unknown>>>(example: string, table: Table) {
  const parsed = z.string().transform((raw, context): unknown => {
    try {
      return JSON.parse(raw);
    } catch {
      context.issues.push({ code: 'custom', input: raw, message: `must be JSON like ${example}` });
      return z.NEVER;
    }
  });
  return z.preprocess(unsetIfBlank, parsed.pipe(table).prefault('{}'));
}
