import { type FieldSpec, findModel, type Json, type ModelEntry, type ModelType } from '@reelay/catalog';
import { invalidParam } from './openai-errors.ts';

/** The catalog model `id` of `type`; anything else is a 400 naming `model`. */
export function modelOf(id: unknown, type: ModelType): ModelEntry {
  if (typeof id !== 'string' || id === '')
    throw invalidParam('model', `model is required: the id of one of Reelay's ${type} models.`);
  const model = findModel(id);
  if (!model || model.type !== type) {
    throw invalidParam(
      'model',
      model
        ? `${id} is an ${model.type} model, not a ${type} model.`
        : `No ${type} model ${id}; see GET /api/v1/models for the catalog.`,
    );
  }
  return model;
}

export const fieldOf = (model: ModelEntry, name: string): FieldSpec | undefined =>
  model.fields.find((f) => f.name === name);

/** A form's string as the field's JSON type (`true`, `5`); JSON bodies pass unchanged. */
function coerce(field: FieldSpec, value: unknown, form: boolean): unknown {
  if (!form) return value;
  if (field.kind === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if (field.kind === 'number' && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(+value))
    return Number(value);
  if (field.kind === 'media' && field.maxItems !== undefined && typeof value === 'string') return [value];
  return value;
}

/**
 * The model's own input fields sent beside the OpenAI parameters (`audioEnabled`, `aspectRatio`…), typed for the
 * model. A name that is neither an OpenAI parameter of this request nor a field of the model is a 400 naming it.
 */
export function modelFieldsOf(
  model: ModelEntry,
  fields: Record<string, unknown>,
  openAiParams: readonly string[],
  form: boolean,
): Record<string, Json> {
  const input: Record<string, Json> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (openAiParams.includes(name)) continue;
    const field = fieldOf(model, name);
    if (!field || name === 'prompt') {
      throw invalidParam(
        name,
        `${name} is not a parameter of this request nor a field of ${model.id} (its fields: ${model.fields
          .map((f) => f.name)
          .join(', ')}).`,
      );
    }
    input[name] = coerce(field, value, form) as Json;
  }
  return input;
}

/** The model's aspect ratio (`16:9`) closest to width ÷ height within 2 %, or null. */
export function aspectRatioOf(model: ModelEntry, width: number, height: number): string | null {
  const field = fieldOf(model, 'aspectRatio');
  if (field?.kind !== 'enum') return null;
  const wanted = width / height;
  let best: { value: string; off: number } | null = null;
  for (const value of field.values) {
    const [w, h] = value.split(':').map(Number);
    if (!w || !h) continue;
    const off = Math.abs(w / h - wanted) / (w / h);
    if (off <= 0.02 && (best === null || off < best.off)) best = { value, off };
  }
  return best?.value ?? null;
}

/** `1280x720` as numbers; anything else is a 400 naming `size`. */
export function parseSize(size: unknown): { width: number; height: number } {
  const match = typeof size === 'string' ? /^(\d{2,5})x(\d{2,5})$/.exec(size) : null;
  if (!match) throw invalidParam('size', 'size must be written WIDTHxHEIGHT in pixels, such as 1280x720.');
  return { width: Number(match[1]), height: Number(match[2]) };
}

/** The values an enum field allows, for messages. */
export const valuesOf = (field: FieldSpec | undefined): readonly string[] =>
  field?.kind === 'enum' ? field.values : [];

/** A 400 naming `size` for a shape the model does not make. */
export function sizeRefused(model: ModelEntry, size: string, why: string): Error {
  const ratios = valuesOf(fieldOf(model, 'aspectRatio'));
  return invalidParam(
    'size',
    `${model.id} cannot make ${size}: ${why}.${ratios.length ? ` Its aspect ratios: ${ratios.join(', ')}.` : ''}`,
  );
}
