import { checkMediaUri } from './media-uri.ts';
import type { FieldError, FieldSpec, Json, MediaRef } from './types.ts';

const describeValue = (v: unknown) =>
  typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : JSON.stringify(v);
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);

/** Whole multiples of `step` from `min`, allowing for float error. */
const onStep = (value: number, min: number, step: number) => {
  const n = (value - min) / step;
  return Math.abs(n - Math.round(n)) < 1e-9;
};

export interface FieldCheck {
  errors: FieldError[];
  media: MediaRef[];
}

/** Checks one given value against its field. Collects every problem; never throws. */
export function checkField(f: FieldSpec, value: Json, out: FieldCheck): void {
  const param = `input.${f.name}`;
  const err = (code: FieldError['code'], message: string, at = param): void => {
    out.errors.push({ param: at, code, message: `${at.slice(6)} ${message}` });
  };
  switch (f.kind) {
    case 'string': {
      if (typeof value !== 'string') return err('invalid_type', `must be a string; got ${typeName(value)}`);
      const length = [...value].length;
      if (value.trim() === '') return err(f.required ? 'required' : 'too_short', 'must not be empty');
      if (length > f.maxLength)
        return err('too_long', `must be at most ${f.maxLength} characters; got ${length}`);
      return;
    }
    case 'enum':
      if (typeof value !== 'string')
        return err('invalid_type', `must be a string, one of ${f.values.join(', ')}; got ${typeName(value)}`);
      if (!f.values.includes(value))
        return err('not_allowed', `must be one of ${f.values.join(', ')}; got ${describeValue(value)}`);
      return;
    case 'number': {
      const range = `from ${f.min} to ${f.max}${f.step ? ` in steps of ${f.step}` : ''}${f.unit ? ` ${f.unit}` : ''}`;
      if (typeof value !== 'number' || !Number.isFinite(value))
        return err('invalid_type', `must be a number ${range}; got ${typeName(value)}`);
      if (value < f.min || value > f.max) return err('out_of_range', `must be ${range}; got ${value}`);
      if (!onStep(value, f.min, f.step)) return err('not_on_step', `must be ${range}; got ${value}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean')
        return err('invalid_type', `must be true or false; got ${typeName(value)}`);
      return;
    case 'media': {
      const list = f.maxItems !== undefined;
      if (list && !Array.isArray(value))
        return err('invalid_type', `must be an array of ${f.media} URIs; got ${typeName(value)}`);
      const items = list ? (value as Json[]) : [value];
      if (list && f.maxItems !== undefined && items.length > f.maxItems) {
        return err('too_many_items', `takes at most ${f.maxItems} ${f.media}s; got ${items.length}`);
      }
      items.forEach((item, i) => {
        const at = list ? `${param}[${i}]` : param;
        if (typeof item !== 'string')
          return err('invalid_type', `must be a URI string; got ${typeName(item)}`, at);
        const checked = checkMediaUri(item, f.media, f.schemes);
        if ('reason' in checked) return err('invalid_uri', checked.reason, at);
        out.media.push({
          param: at,
          field: f.name,
          index: list ? i : null,
          kind: f.media,
          scheme: checked.scheme,
          uri: item,
        });
      });
      return;
    }
  }
}
