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

/** The OpenAI parameters the image routes read. */
const IMAGE_PARAMS = ['prompt', 'model', 'n', 'size', 'response_format', 'quality', 'user', 'image', 'mask'];
/** OpenAI parameters with no counterpart here; their default (`auto`, `false`) is accepted as no choice. */
const NOT_OFFERED = [
  'background',
  'moderation',
  'output_format',
  'output_compression',
  'style',
  'stream',
  'partial_images',
  'input_fidelity',
];

/** What an image request asks for: Reelay's input, how many, and how the answer carries each image. */
export interface ImageRequest {
  model: string;
  input: Record<string, Json>;
  n: number;
  responseFormat: 'url' | 'b64_json';
}

/** The long side each image size value stands for, at most. */
const SIZE_CLASSES: [string, number][] = [
  ['1K', 1536],
  ['2K', 2560],
  ['3K', 3584],
  ['4K', 4096],
];

/** `size` (`1536x1024`) as the model's `aspectRatio` and `imageSize` (by the long side: up to 1536 px is 1K). */
export function imageSizeInput(model: ModelEntry, size: string): Record<string, Json> {
  const { width, height } = parseSize(size);
  const aspectRatio = aspectRatioOf(model, width, height);
  if (aspectRatio === null) throw sizeRefused(model, size, 'no aspect ratio of the model is that shape');
  const sizes = valuesOf(fieldOf(model, 'imageSize'));
  if (sizes.length === 0) {
    throw sizeRefused(
      model,
      size,
      'its output size cannot be chosen; leave size out and send aspectRatio (one of its own fields) instead',
    );
  }
  const long = Math.max(width, height);
  const wanted = SIZE_CLASSES.find(([, max]) => long <= max)?.[0];
  if (wanted === undefined || !sizes.includes(wanted)) {
    throw sizeRefused(
      model,
      size,
      `its sizes are ${sizes.join(', ')} (1K up to 1536 px on the long side, 2K up to 2560, 3K up to 3584, 4K up to 4096)`,
    );
  }
  return { aspectRatio, imageSize: wanted };
}

function common(fields: Record<string, unknown>, form: boolean) {
  for (const name of NOT_OFFERED) {
    const value = fields[name];
    if (value === undefined || value === 'auto' || value === false || value === 'false') continue;
    throw invalidParam(name, `${name} is not offered for Reelay's image models.`);
  }
  const rest = Object.fromEntries(Object.entries(fields).filter(([name]) => !NOT_OFFERED.includes(name)));
  const model = modelOf(fields.model, 'image');
  if (typeof fields.prompt !== 'string' || fields.prompt === '')
    throw invalidParam('prompt', 'prompt is required.');
  const nValue = fields.n === undefined ? 1 : form ? Number(fields.n) : fields.n;
  if (typeof nValue !== 'number' || !Number.isInteger(nValue) || nValue < 1 || nValue > 10)
    throw invalidParam('n', 'n must be a whole number from 1 to 10.');
  const format = fields.response_format ?? 'url';
  if (format !== 'url' && format !== 'b64_json')
    throw invalidParam('response_format', 'response_format must be url or b64_json.');
  const own = modelFieldsOf(model, rest, IMAGE_PARAMS, form);
  const input: Record<string, Json> = { prompt: fields.prompt };
  if (fields.size !== undefined && fields.size !== 'auto') {
    if (typeof fields.size !== 'string')
      throw invalidParam('size', 'size must be a string such as 1024x1024.');
    for (const name of ['aspectRatio', 'imageSize'])
      if (name in own) throw invalidParam(name, `Send size or ${name}, not both.`);
    Object.assign(input, imageSizeInput(model, fields.size));
  }
  const quality = fields.quality;
  if (quality !== undefined && quality !== 'auto') {
    if (fieldOf(model, 'quality') === undefined)
      throw invalidParam('quality', `${model.id} has no choice of quality.`);
    input.quality = quality as Json;
  }
  if (fields.user !== undefined && typeof fields.user !== 'string')
    throw invalidParam('user', 'user must be a string.');
  return { model, input, own, n: nValue, responseFormat: format as ImageRequest['responseFormat'] };
}

/** `POST /v1/images/generations` as a Reelay image request. */
export function imageGenerationRequest(fields: Record<string, unknown>): ImageRequest {
  for (const name of ['image', 'mask'])
    if (name in fields) throw invalidParam(name, `${name} belongs to POST /v1/images/edits.`);
  const { model, input, own, n, responseFormat } = common(fields, false);
  return { model: model.id, input: { ...input, ...own }, n, responseFormat };
}

/** `POST /v1/images/edits` (a form with `image`/`image[]` and `mask` files, or JSON with URIs) as a Reelay request. */
export function imageEditRequest(body: {
  fields: Record<string, unknown>;
  files: readonly { field: string; asset: CoreAsset }[];
  form: boolean;
}): ImageRequest {
  const { model, input, own, n, responseFormat } = common(body.fields, body.form);
  const stray = body.files.find((f) => f.field !== 'image' && f.field !== 'mask');
  if (stray) throw invalidParam(stray.field, `${stray.field} takes no file; send image and mask.`);
  const uris = (name: string): string[] => {
    const files = body.files.filter((f) => f.field === name);
    for (const f of files)
      if (f.asset.kind !== 'image')
        throw invalidParam(name, `${name} must be an image, not ${f.asset.mediaType}.`);
    if (files.length > 0) return files.map((f) => `asset://${f.asset.id}`);
    const value = body.fields[name];
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    if (!list.every((v): v is string => typeof v === 'string'))
      throw invalidParam(name, `${name} must be files, or asset://, https or data URIs.`);
    return list;
  };
  const images = uris('image');
  const masks = uris('mask');
  if (images.length === 0) throw invalidParam('image', 'image is required: the image(s) to edit.');
  const hasSource = fieldOf(model, 'sourceImage') !== undefined;
  const references = fieldOf(model, 'referenceAssetUris') !== undefined;
  const [first, ...rest] = images;
  if (hasSource && first !== undefined) input.sourceImage = first;
  const listed = hasSource ? rest : images;
  if (listed.length > 0) {
    if (!references) throw invalidParam('image', `${model.id} edits one image at a time.`);
    input.referenceAssetUris = listed;
  }
  if (masks.length > 1) throw invalidParam('mask', 'Send one mask.');
  if (masks[0] !== undefined) {
    if (fieldOf(model, 'maskImage') === undefined) throw invalidParam('mask', `${model.id} takes no mask.`);
    if (!hasSource || rest.length > 0) throw invalidParam('mask', 'A mask goes with a single image.');
    input.maskImage = masks[0];
  }
  for (const name of ['sourceImage', 'referenceAssetUris', 'maskImage'])
    if (name in own && name in input) throw invalidParam(name, `Send image/mask or ${name}, not both.`);
  return { model: model.id, input: { ...input, ...own }, n, responseFormat };
}

/** How a Reelay parameter name of an image request reads in this shape. */
export function imageParamName(param: string, sent: ReadonlySet<string>): string {
  const name = param.replace(/^input\./, '').replace(/\[\d+\]$/, '');
  if (sent.has(name)) return name;
  if ((name === 'aspectRatio' || name === 'imageSize') && sent.has('size')) return 'size';
  if (name === 'maskImage') return 'mask';
  if (name === 'sourceImage' || name === 'referenceAssetUris') return 'image';
  return name;
}
