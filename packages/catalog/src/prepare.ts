import { quoteFor } from './pricing.ts';
import { requireModel } from './registry.ts';
import type { FieldError, Json, ModelEntry, PrepareResult, PriceOverrides } from './types.ts';
import { checkField, type FieldCheck } from './validate-fields.ts';

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);

/**
 * Validates a model's input and prepares it to run, in one pass: every field error at once (unknown fields
 * included), defaults applied, cross-field rules, then mode, variant and quote.
 *
 * Failures a client caused come back as `{ok: false, errors}`. Two throw instead, since no input can fix them:
 * `UnknownModelError` for an id the catalog lacks (callers check `findModel` first) and `PriceUnavailableError`
 * when the chosen variant has no usable price (the server refuses the request; it never runs for free).
 */
export function prepare(
  modelId: string | ModelEntry,
  rawInput: unknown,
  opts: { prices?: PriceOverrides } = {},
): PrepareResult {
  const model = requireModel(modelId);
  if (typeof rawInput !== 'object' || rawInput === null || Array.isArray(rawInput)) {
    const message = `input must be an object of ${model.id} fields; got ${kindOf(rawInput)}`;
    return { ok: false, errors: [{ param: 'input', code: 'invalid_type', message }] };
  }
  const raw = rawInput as Record<string, Json>;
  const known = new Set(model.fields.map((f) => f.name));
  const check: FieldCheck = { errors: [], media: [] };
  for (const name of Object.keys(raw)) {
    if (known.has(name)) continue;
    check.errors.push({
      param: `input.${name}`,
      code: 'unknown_field',
      message: `${name} is not a field of ${model.id}; its fields are ${[...known].join(', ')}`,
    });
  }
  const input: Record<string, Json> = {};
  const given = new Set<string>();
  for (const f of model.fields) {
    const value = Object.hasOwn(raw, f.name) ? raw[f.name] : undefined;
    if (value === undefined) {
      if (f.required)
        check.errors.push({ param: `input.${f.name}`, code: 'required', message: `${f.name} is required` });
      else if ('default' in f && f.default !== undefined) input[f.name] = f.default;
      continue;
    }
    given.add(f.name);
    const kept = checkField(f, value, check);
    if (kept !== undefined) input[f.name] = kept;
  }
  // Rules see only the valid values, so they run even beside field errors and every problem is reported at once.
  const errors: FieldError[] = [...check.errors, ...model.rules.flatMap((rule) => rule.apply(input, given))];
  if (errors.length > 0) return { ok: false, errors };
  const variant = model.selectVariant(input);
  return {
    ok: true,
    value: {
      model: model.id,
      type: model.type,
      input,
      mode: model.selectMode(input),
      variant,
      quote: quoteFor(model, input, variant, opts.prices),
      media: check.media,
    },
  };
}
