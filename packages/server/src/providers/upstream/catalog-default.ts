import {
  findModel,
  type Json,
  type MediaSlot,
  type ModelId,
  type NormalisedInput,
  type PreparedValues,
} from '@reelay/catalog';

/**
 * Mappings read a generation's input as the catalog normalised it (`prepare` applies every default), and
 * never restate a default of their own: where a field is absent after all (an input stored before its field
 * had a default), they take the default the catalog declares for that model's field.
 */

/** The default the catalog declares for `field` of `modelId`; undefined if the model has no such field or it has none. */
export function catalogDefault(modelId: string, field: string): Json | undefined {
  const spec = findModel(modelId)?.fields.find((f) => f.name === field);
  return spec && 'default' in spec ? spec.default : undefined;
}

const KINDS = { string: 'string', enum: 'string', number: 'number', boolean: 'boolean' } as const;

/**
 * The scalar fields of `model`'s input, typed: each as the input holds it, else the catalog's default for it.
 * Throws when a field that is required or has a default is missing or of another type: the input was not
 * normalised by the catalog, and a mapping never invents a value.
 */
export function preparedValues<M extends ModelId>(
  model: M,
  input: NormalisedInput,
): Omit<PreparedValues<M>, MediaSlot<M>> {
  const entry = findModel(model);
  if (!entry) throw new Error(`${model} is not a catalog model`);
  const out: Record<string, Json> = {};
  for (const f of entry.fields) {
    if (f.kind === 'media') continue;
    const value = input[f.name] === undefined ? catalogDefault(model, f.name) : input[f.name];
    if (value === undefined) {
      if (f.required) throw notNormalised(model, f.name, KINDS[f.kind]);
      continue;
    }
    if (typeof value !== KINDS[f.kind]) throw notNormalised(model, f.name, KINDS[f.kind]);
    out[f.name] = value;
  }
  // Checked field by field against the catalog entry the type is generated from.
  return out as Omit<PreparedValues<M>, MediaSlot<M>>;
}

/** Thrown when a field has neither a value nor a catalog default: the input was not normalised. */
function notNormalised(model: string, field: string, kind: string): Error {
  return new Error(
    `${model} input has no ${kind} ${field} and the catalog declares no default for it; adapters take inputs normalised by the catalog.`,
  );
}
