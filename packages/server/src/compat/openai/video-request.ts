import type { Json, ModelEntry } from '@reelay/catalog';
import {
  aspectRatioOf,
  fieldOf,
  modelFieldsOf,
  modelOf,
  parseSize,
  sizeRefused,
  valuesOf,
} from './model-fields.ts';
import type { CoreAsset } from './openai-core.ts';
import { invalidParam } from './openai-errors.ts';

/** The OpenAI parameters of `POST /v1/videos`. */
export const VIDEO_PARAMS = ['prompt', 'model', 'seconds', 'size', 'input_reference', 'webhook_url'] as const;

/** Short side in pixels of each resolution value. */
const SHORT_SIDES: Record<string, number> = { '480p': 480, '720p': 720, '1080p': 1080, '4k': 2160 };

/** The resolution value whose short side is within 6 % of `side` (1024 reads as 1080p), or null. */
function resolutionOf(values: readonly string[], side: number): string | null {
  for (const value of values) {
    const wanted = SHORT_SIDES[value];
    if (wanted !== undefined && Math.abs(side - wanted) / wanted <= 0.06) return value;
  }
  return null;
}

/** `size` (`720x1280`) as the model's `aspectRatio` and `resolution`; what it cannot make is a 400 on `size`. */
export function videoSizeInput(model: ModelEntry, size: string): Record<string, Json> {
  const { width, height } = parseSize(size);
  const aspectRatio = aspectRatioOf(model, width, height);
  if (aspectRatio === null) throw sizeRefused(model, size, 'no aspect ratio of the model is that shape');
  const resolutions = valuesOf(fieldOf(model, 'resolution'));
  if (resolutions.length === 0) {
    throw sizeRefused(
      model,
      size,
      'its resolution cannot be chosen; leave size out and send aspectRatio (one of its own fields) instead',
    );
  }
  const resolution = resolutionOf(resolutions, Math.min(width, height));
  if (resolution === null) {
    throw sizeRefused(
      model,
      size,
      `the short side must be that of one of its resolutions (${resolutions
        .map((r) => `${r} = ${SHORT_SIDES[r] ?? '?'} px`)
        .join(', ')})`,
    );
  }
  return { aspectRatio, resolution };
}

/** `seconds` (`"8"`) as the model's `duration`; a length it cannot make is a 400 on `seconds`. */
export function videoSecondsInput(model: ModelEntry, seconds: unknown): Record<string, Json> {
  const field = fieldOf(model, 'duration');
  const n =
    typeof seconds === 'number' ? seconds : typeof seconds === 'string' ? Number(seconds) : Number.NaN;
  if (field?.kind !== 'number') throw invalidParam('seconds', `${model.id} has no choice of length.`);
  const allowed =
    field.step === 1
      ? `${field.min} to ${field.max}`
      : Array.from({ length: Math.floor((field.max - field.min) / field.step) + 1 }, (_, i) =>
          String(field.min + i * field.step),
        ).join(', ');
  if (!Number.isInteger(n) || n < field.min || n > field.max || (n - field.min) % field.step !== 0)
    throw invalidParam('seconds', `${model.id} makes videos of ${allowed} seconds, not ${String(seconds)}.`);
  return { duration: n };
}

/** The slots an input reference fills, in order of preference, by the kind of file it is. */
const IMAGE_SLOTS = ['startImage', 'referencePhoto', 'sourceImage', 'referenceAssetUris'];
const VIDEO_SLOTS = ['referenceVideo', 'sourceVideo'];

/** Puts one file (an asset:// URI, https URL or data URI) in the model's first slot for its kind. */
export function referenceInput(
  model: ModelEntry,
  kind: 'image' | 'video',
  uri: string,
  param: string,
): Record<string, Json> {
  for (const name of kind === 'image' ? IMAGE_SLOTS : VIDEO_SLOTS) {
    const field = fieldOf(model, name);
    if (field?.kind === 'media' && field.media === kind)
      return { [name]: field.maxItems !== undefined ? [uri] : uri };
  }
  throw invalidParam(param, `${model.id} takes no ${kind} as a reference.`);
}

/** The slot a remix puts its source video in, or null. */
export const remixSlotOf = (model: ModelEntry): string | null =>
  VIDEO_SLOTS.find((name) => {
    const field = fieldOf(model, name);
    return field?.kind === 'media' && field.media === 'video';
  }) ?? null;

/** `input_reference` as a file, `{image_url}`, `{file_id}` or a URI string. */
function inputReference(
  model: ModelEntry,
  value: unknown,
  files: readonly { field: string; asset: CoreAsset }[],
): Record<string, Json> {
  const file = files.find((f) => f.field === 'input_reference');
  if (file) {
    if (file.asset.kind === 'audio')
      throw invalidParam('input_reference', 'input_reference must be an image or a video.');
    return referenceInput(model, file.asset.kind, `asset://${file.asset.id}`, 'input_reference');
  }
  if (value === undefined) return {};
  if (typeof value === 'string') return referenceInput(model, 'image', value, 'input_reference');
  if (typeof value === 'object' && value !== null) {
    const { image_url: url, file_id: fileId, ...rest } = value as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined)
      throw invalidParam(`input_reference.${extra}`, `input_reference takes image_url or file_id.`);
    if (typeof url === 'string' && fileId === undefined)
      return referenceInput(model, 'image', url, 'input_reference');
    if (typeof fileId === 'string' && url === undefined)
      return referenceInput(
        model,
        'image',
        fileId.startsWith('asset://') ? fileId : `asset://${fileId}`,
        'input_reference',
      );
  }
  throw invalidParam(
    'input_reference',
    'input_reference must be a file, {image_url} or {file_id} (a Reelay asset id).',
  );
}

/** `POST /v1/videos` as Reelay's own request `{type: 'video', model, input}`. */
export function videoCreateRequest(body: {
  fields: Record<string, unknown>;
  files: readonly { field: string; asset: CoreAsset }[];
  form: boolean;
}): { type: 'video'; model: string; input: Record<string, Json> } {
  const f = body.fields;
  const model = modelOf(f.model, 'video');
  const stray = body.files.find((file) => file.field !== 'input_reference');
  if (stray) throw invalidParam(stray.field, `${stray.field} takes no file here; send input_reference.`);
  if (typeof f.prompt !== 'string' || f.prompt === '') throw invalidParam('prompt', 'prompt is required.');
  const own = modelFieldsOf(model, f, VIDEO_PARAMS, body.form);
  const input: Record<string, Json> = { prompt: f.prompt };
  if (f.size !== undefined) {
    if (typeof f.size !== 'string') throw invalidParam('size', 'size must be a string such as 1280x720.');
    for (const name of ['aspectRatio', 'resolution'])
      if (name in own) throw invalidParam(name, `Send size or ${name}, not both.`);
    Object.assign(input, videoSizeInput(model, f.size));
  }
  if (f.seconds !== undefined) {
    if ('duration' in own) throw invalidParam('duration', 'Send seconds or duration, not both.');
    Object.assign(input, videoSecondsInput(model, f.seconds));
  }
  const reference = inputReference(model, f.input_reference, body.files);
  for (const name of Object.keys(reference))
    if (name in own) throw invalidParam(name, `Send input_reference or ${name}, not both.`);
  return { type: 'video', model: model.id, input: { ...input, ...reference, ...own } };
}

/**
 * How a Reelay parameter name of a video request reads in this shape: a field sent by its own name keeps it;
 * `duration` came from `seconds`, `aspectRatio` and `resolution` from `size`, a media slot from `input_reference`.
 */
export function videoParamName(param: string, sent: ReadonlySet<string>): string {
  const name = param.replace(/^input\./, '').replace(/\[\d+\]$/, '');
  if (sent.has(name)) return name;
  if (name === 'duration' && sent.has('seconds')) return 'seconds';
  if (param === 'webhookUrl') return 'webhook_url';
  if ((name === 'aspectRatio' || name === 'resolution') && sent.has('size')) return 'size';
  if ([...IMAGE_SLOTS, ...VIDEO_SLOTS].includes(name) && sent.has('input_reference'))
    return 'input_reference';
  return name;
}
