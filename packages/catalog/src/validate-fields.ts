import { checkMediaUri } from './media-uri.ts';
import type { FieldError, FieldSpec, Json, MediaField, MediaRef } from './types.ts';

const describeValue = (v: unknown) =>
  JSON.stringify(typeof v === 'string' && v.length > 40 ? `${v.slice(0, 40)}…` : v);
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);

/** Whole multiples of `step` from `min`, allowing for float error. */
const onStep = (value: number, min: number, step: number) => {
  const n = (value - min) / step;
  return Math.abs(n - Math.round(n)) < 1e-9;
};

type Problem = [FieldError['code'], string] | null;

/** What is wrong with a scalar value, if anything. */
function scalarProblem(f: Exclude<FieldSpec, MediaField>, value: Json): Problem {
  switch (f.kind) {
    case 'string': {
      if (typeof value !== 'string') return ['invalid_type', `must be a string; got ${typeName(value)}`];
      if (value.trim() === '') return [f.required ? 'required' : 'too_short', 'must not be empty'];
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
      const range = `from ${f.min} to ${f.max} in steps of ${f.step}${f.unit ? ` ${f.unit}` : ''}`;
      if (typeof value !== 'number' || !Number.isFinite(value))
        return ['invalid_type', `must be a number ${range}; got ${typeName(value)}`];
      if (value < f.min || value > f.max) return ['out_of_range', `must be ${range}; got ${value}`];
      return onStep(value, f.min, f.step) ? null : ['not_on_step', `must be ${range}; got ${value}`];
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

/** Checks one given value against its field, adding every problem (and every media URI) to `out`. */
export function checkField(f: FieldSpec, value: Json, out: FieldCheck): void {
  const param = `input.${f.name}`;
  const report = (at: string, problem: Problem) => {
    if (problem)
      out.errors.push({ param: at, code: problem[0], message: `${at.slice('input.'.length)} ${problem[1]}` });
  };
  if (f.kind !== 'media') {
    report(param, scalarProblem(f, value));
    return;
  }
  const list = f.maxItems !== undefined;
  if (list && !Array.isArray(value)) {
    report(param, ['invalid_type', `must be an array of ${f.media} URIs; got ${typeName(value)}`]);
    return;
  }
  const items = Array.isArray(value) && list ? value : [value];
  if (f.maxItems !== undefined && items.length > f.maxItems) {
    report(param, ['too_many_items', `takes at most ${f.maxItems} ${f.media}s; got ${items.length}`]);
    return;
  }
  for (const [i, item] of items.entries()) {
    const at = list ? `${param}[${i}]` : param;
    if (typeof item !== 'string') {
      report(at, ['invalid_type', `must be a URI string; got ${typeName(item)}`]);
      continue;
    }
    const checked = checkMediaUri(item, f.media, f.schemes);
    if ('reason' in checked) report(at, ['invalid_uri', checked.reason]);
    else
      out.media.push({
        param: at,
        field: f.name,
        index: list ? i : null,
        kind: f.media,
        scheme: checked.scheme,
        uri: item,
      });
  }
}
