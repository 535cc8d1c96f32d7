import { quoteFor } from './pricing.ts';
import { findModel } from './registry.ts';
import type { FieldError, Json, PrepareResult, PriceOverrides } from './types.ts';
import { checkField, type FieldCheck } from './validate-fields.ts';

/**
 * Validates a model's input and prepares it to run: every field error at once, unknown fields refused,
 * defaults applied, cross-field rules, mode, variant and quote. Throws for an unknown model id (callers
 * check `findModel` first) and PriceUnavailableError when the chosen variant has no price.
 */
export function prepare(
  modelId: string,
  rawInput: unknown,
  opts: { prices?: PriceOverrides } = {},
): PrepareResult {
  const model = findModel(modelId);
  if (!model) throw new Error(`unknown model ${modelId}`);
  if (typeof rawInput !== 'object' || rawInput === null || Array.isArray(rawInput)) {
    const got = rawInput === null ? 'null' : Array.isArray(rawInput) ? 'an array' : `a ${typeof rawInput}`;
    return {
      ok: false,
      errors: [
        {
          param: 'input',
          code: 'invalid_type',
          message: `input must be an object of ${model.id} fields; got ${got}`,
        },
      ],
    };
  }
  const raw = rawInput as Record<string, Json>;
  const known = new Set(model.fields.map((f) => f.name));
  const check: FieldCheck = { errors: [], media: [] };
  for (const name of Object.keys(raw)) {
    if (!known.has(name)) {
      check.errors.push({
        param: `input.${name}`,
        code: 'unknown_field',
        message: `${name} is not a field of ${model.id}; its fields are ${[...known].join(', ')}`,
      });
    }
  }
  const input: Record<string, Json> = {};
  const given = new Set<string>();
  for (const f of model.fields) {
    const value = raw[f.name];
    if (value === undefined) {
      if (f.required)
        check.errors.push({ param: `input.${f.name}`, code: 'required', message: `${f.name} is required` });
      else if ('default' in f && f.default !== undefined) input[f.name] = f.default;
      continue;
    }
    given.add(f.name);
    const before = check.errors.length;
    checkField(f, value, check);
    if (check.errors.length === before) input[f.name] = value;
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
