import { checkMediaUri } from './media-uri.ts';
import type { FieldError, FieldSpec, Json, MediaField, MediaRef, NumberField } from './types.ts';

/** A value as JSON, long strings cut to 40 characters; a non-finite number as itself (JSON would say null). */
const describeValue = (v: unknown) => {
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const chars = typeof v === 'string' ? [...v] : [];
  return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : v);
};

/**
 * Whether text holds half of a UTF-16 surrogate pair standing alone (`"\ud800"` in JSON): no UTF-8 text, and so
 * no database column, can hold it. (In a `u` regular expression a proper pair is one code point, never `Cs`.)
 */
export const holdsLoneSurrogate = (text: string): boolean => /\p{Cs}/u.test(text);

/** What a wrong value is, for messages: `a string ("5")`, `null`, `an array`. */
const typeName = (v: unknown) => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v} (${describeValue(v)})`;
};

/** Ranges whose every value is a whole number. */
const isWhole = (f: NumberField) => Number.isInteger(f.min) && Number.isInteger(f.step);

/**
 * The grid value min + k·step that `value` stands for, or undefined when it is off the grid. Whole ranges
 * compare exactly; fractional ones forgive a few units of float rounding (0.1 + 0.2 for 0.3) and give back
 * the grid value rounded to 12 significant digits, so the normalised input holds 0.3, not 0.30000000000000004.
 */
function onGrid(f: NumberField, value: number): number | undefined {
  if (isWhole(f)) return Number.isInteger(value) && (value - f.min) % f.step === 0 ? value : undefined;
  const grid = Number((f.min + Math.round((value - f.min) / f.step) * f.step).toPrecision(12));
  return Math.abs(value - grid) <= 8 * Number.EPSILON * Math.max(1, Math.abs(grid)) ? grid : undefined;
}

/** "a whole number of seconds from 3 to 15" or "a number from 0.5 to 2 in steps of 0.25". */
function rangeText(f: NumberField): string {
  const whole = isWhole(f);
  const what = `${whole ? 'a whole number' : 'a number'}${f.unit ? ` of ${f.unit}` : ''}`;
  const steps = whole && f.step === 1 ? '' : ` in steps of ${f.step}`;
  return `${what} from ${f.min} to ${f.max}${steps}`;
}

type Problem = [FieldError['code'], string] | null;

/** What is wrong with a scalar value, if anything. */
function scalarProblem(f: Exclude<FieldSpec, MediaField>, value: Json): Problem {
  switch (f.kind) {
    case 'string': {
      if (typeof value !== 'string') return ['invalid_type', `must be a string; got ${typeName(value)}`];
      if (holdsLoneSurrogate(value))
        return ['invalid_value', 'must be Unicode text; it holds an unpaired surrogate (\\ud800 to \\udfff)'];
      if (value.trim() === '')
        return [
          f.required ? 'required' : 'too_short',
          value === '' ? 'must not be empty' : 'must not be only spaces',
        ];
      const length = [...value].length;
      return f.maxLength !== undefined && length > f.maxLength
        ? ['too_long', `must be at most ${f.maxLength} characters; got ${length}`]
        : null;
    }
    case 'enum':
      if (typeof value !== 'string')
        return ['invalid_type', `must be one of ${f.values.join(', ')}; got ${typeName(value)}`];
      return f.values.includes(value)
        ? null
        : ['not_allowed', `must be one of ${f.values.join(', ')}; got ${describeValue(value)}`];
    case 'number': {
      const allowed = rangeText(f);
      if (typeof value !== 'number' || !Number.isFinite(value))
        return ['invalid_type', `must be ${allowed}; got ${typeName(value)}`];
      if (value < f.min || value > f.max) return ['out_of_range', `must be ${allowed}; got ${value}`];
      return onGrid(f, value) !== undefined ? null : ['not_on_step', `must be ${allowed}; got ${value}`];
    }
    case 'boolean':
      return typeof value === 'boolean'
        ? null
        : ['invalid_type', `must be true or false; got ${typeName(value)}`];
  }
}

export interface FieldCheck {
  errors: FieldError[];
  media: MediaRef[];
}

/**
 * Checks one given value against its field, adding every problem (and every media URI) to `out`. Returns the
 * value to keep in the normalised input (a copy for lists, the grid value for fractional ranges), or
 * undefined when the value has a problem.
 */
export function checkField(f: FieldSpec, value: Json, out: FieldCheck): Json | undefined {
  const param = `input.${f.name}`;
  const before = out.errors.length;
  const report = (at: string, problem: Problem) => {
    if (problem)
      out.errors.push({ param: at, code: problem[0], message: `${at.slice('input.'.length)} ${problem[1]}` });
  };
  if (f.kind !== 'media') {
    const problem = scalarProblem(f, value);
    report(param, problem);
    if (problem) return undefined;
    return f.kind === 'number' && typeof value === 'number' ? onGrid(f, value) : value;
  }
  const list = f.maxItems !== undefined;
  if (list && !Array.isArray(value)) {
    report(param, ['invalid_type', `must be an array of ${f.media} URIs; got ${typeName(value)}`]);
    return undefined;
  }
  const items = Array.isArray(value) && list ? value : [value];
  if (f.maxItems !== undefined && items.length > f.maxItems) {
    report(param, ['too_many_items', `takes at most ${f.maxItems} ${f.media}s; got ${items.length}`]);
  }
  for (const [i, item] of items.entries()) {
    const at = list ? `${param}[${i}]` : param;
    if (typeof item !== 'string') {
      report(at, ['invalid_type', `must be a URI string; got ${typeName(item)}`]);
      continue;
    }
    const checked = checkMediaUri(item, f.media, f.schemes);
    if ('reason' in checked) report(at, ['invalid_uri', checked.reason]);
    else {
      const index = list ? i : null;
      out.media.push({
        param: at,
        field: f.name,
        index,
        kind: f.media,
        scheme: checked.scheme,
        uri: item,
        ...(f.accepts !== undefined ? { accepts: f.accepts } : {}),
      });
    }
  }
  if (out.errors.length > before) return undefined;
  return list ? [...items] : value;
}
