import type { Json } from '@reelay/catalog';
import type { Assessment, StartCall, Warning } from '../provider.ts';
import { inputString } from '../upstream/catalog-default.ts';
import { imageList, listImageAssessment, readImageInput } from '../upstream/image-input.ts';
import { commonAssessment, needUrls, readOmniInput } from '../upstream/omni-input.ts';

/**
 * Reelay model id → Replicate's official model. Input fields as each model's API page on replicate.com
 * shows them:
 * - kwaivgi/kling-v3-omni-video: see the providers README.
 * - google/nano-banana: replicate.com/google/nano-banana/versions/f0a9d34b…/api (prompt, image_input,
 *   output_format); its aspect_ratio values (match_input_image, 1:1 … 21:9) as api.core.today's copy of the
 *   current schema lists them. Output: one URI.
 * - google/nano-banana-2: replicate.com/google/nano-banana-2/versions/2de9ad5b…/api (prompt, image_input up
 *   to 14, aspect_ratio, resolution 1K/2K/4K, output_format). Output: one URI.
 * - bytedance/seedream-4.5: replicate.com/bytedance/seedream-4.5/versions/9fe3b828…/api (prompt, image_input
 *   1-14, size 2K/4K, aspect_ratio, sequential_image_generation). Output: a list of URIs.
 * - bytedance/seedream-5-lite: replicate.com/bytedance/seedream-5-lite/versions/eeb2857d…/api (the same with
 *   size 2K/3K and output_format png/jpeg). Output: a list of URIs.
 * - xai/grok-imagine-image: replicate.com/xai/grok-imagine-image/versions/a41e0f0c…/api (prompt, one `image`
 *   to edit, n, aspect_ratio, which is ignored when editing). Output: a list of URIs.
 * - openai/gpt-image-2: its Replicate schema as copied by api.core.today/v1/models/openai/gpt-image-2/llms.txt
 *   and cloudernative.com's copy of the model page (prompt, input_images, aspect_ratio 1:1/3:2/2:3, quality,
 *   number_of_images limited to 1, output_format webp/png/jpeg; no size control).
 */
export const REPLICATE_MODELS: Readonly<Record<string, string>> = {
  'kling-3.0-omni': 'kwaivgi/kling-v3-omni-video',
  'nano-banana': 'google/nano-banana',
  'nano-banana-2': 'google/nano-banana-2',
  'seedream-4.5': 'bytedance/seedream-4.5',
  'seedream-5': 'bytedance/seedream-5-lite',
  'grok-imagine': 'xai/grok-imagine-image',
  'gpt-image-2': 'openai/gpt-image-2',
};

interface ImageModel {
  /** One list of every image, at most `maxImages` (null: no stated limit); or `image`: one to edit. */
  images: { field: 'image_input' | 'input_images'; maxImages: number | null } | { field: 'image' };
  /** The aspect ratios it makes, when fewer than the catalog's. */
  aspects?: readonly string[];
  /** The image sizes it makes without a size field (about 1K), when the catalog has more. */
  sizes?: readonly string[];
  /** Whether `quality` is passed on. */
  quality?: boolean;
  /** Where `imageSize` goes, if the model has a size. */
  sizeField: 'resolution' | 'size' | null;
  /** Whether PNG can be asked for (`output_format`); otherwise the upstream picks the format. */
  png: boolean;
  /** Fields sent as they are: one image per request. */
  fixed: Readonly<Record<string, Json>>;
}

const IMAGE_MODELS: Readonly<Record<string, ImageModel>> = {
  'nano-banana': { images: { field: 'image_input', maxImages: null }, sizeField: null, png: true, fixed: {} },
  'nano-banana-2': {
    images: { field: 'image_input', maxImages: 14 },
    sizeField: 'resolution',
    png: true,
    fixed: {},
  },
  'seedream-4.5': {
    images: { field: 'image_input', maxImages: 14 },
    sizeField: 'size',
    png: false,
    fixed: { sequential_image_generation: 'disabled' },
  },
  'seedream-5': {
    images: { field: 'image_input', maxImages: 14 },
    sizeField: 'size',
    png: true,
    fixed: { sequential_image_generation: 'disabled' },
  },
  'grok-imagine': { images: { field: 'image' }, sizeField: null, png: false, fixed: { n: 1 } },
  'gpt-image-2': {
    images: { field: 'input_images', maxImages: null },
    aspects: ['1:1', '3:2', '2:3'],
    sizes: ['1K'],
    quality: true,
    sizeField: null,
    png: true,
    fixed: { number_of_images: 1 },
  },
};

/** The format image models are asked for where they take one (the media type of their outputs). */
export const REPLICATE_IMAGE_FORMAT = { field: 'png', mediaType: 'image/png' } as const;

type Call = Omit<StartCall, 'signal' | 'idempotencyKey' | 'callbackUrl'>;

/** Whether the model makes images (its output is stored as an image). */
export const isReplicateImageModel = (model: string) => model in IMAGE_MODELS;

/** The media type an image model's outputs are expected in (PNG where asked for; else by their URL). */
export const replicateImageType = (model: string) =>
  IMAGE_MODELS[model]?.png ? REPLICATE_IMAGE_FORMAT.mediaType : 'image/jpeg';

function assessImage(call: Call, image: ImageModel): Assessment {
  const input = readImageInput(call);
  const problems: Warning[] = [];
  const warnings: Warning[] = [];
  const model = REPLICATE_MODELS[call.model];
  if (image.images.field === 'image') {
    // One image to edit: no references, no mask; the output takes the edited image's shape.
    if (input.references.length > 0) {
      problems.push({
        code: 'references_unsupported',
        message: `Replicate's ${model} takes one image to edit and no reference images.`,
      });
    }
    if (input.mask) {
      problems.push({ code: 'mask_unsupported', message: `Replicate's ${model} takes no mask.` });
    }
    if (input.source) {
      warnings.push({
        code: 'aspect_ratio_from_image',
        message: `aspectRatio ${input.aspectRatio} is not sent: an edit on ${model} keeps the source image's shape.`,
      });
    }
  } else {
    const list = listImageAssessment(input, 'Replicate');
    problems.push(...list.problems);
    warnings.push(...list.warnings);
    const count = imageList(input).length;
    if (image.images.maxImages !== null && count > image.images.maxImages) {
      problems.push({
        code: 'too_many_images',
        message: `Replicate's ${model} takes at most ${image.images.maxImages} input images; ${count} were given.`,
      });
    }
  }
  if (image.aspects && !image.aspects.includes(input.aspectRatio)) {
    problems.push({
      code: 'aspect_ratio_unsupported',
      message: `Replicate's ${model} makes ${image.aspects.join(', ')} only; ${input.aspectRatio} was asked.`,
    });
  }
  if (image.sizes && input.imageSize !== null && !image.sizes.includes(input.imageSize)) {
    problems.push({
      code: 'image_size_unsupported',
      message: `Replicate's ${model} has no size control and makes about ${image.sizes.join(', ')}; ${input.imageSize} was asked.`,
    });
  }
  return { problems: [...problems, ...needUrls(call.media, 'Replicate')], warnings };
}

/** What Replicate makes of a request: it reads every media file from a URL. */
export function assessForReplicate(call: Call): Assessment {
  if (!(call.model in REPLICATE_MODELS)) {
    return {
      problems: [{ code: 'model_not_hosted', message: `Replicate has no ${call.model} here.` }],
      warnings: [],
    };
  }
  const image = IMAGE_MODELS[call.model];
  if (image) return assessImage(call, image);
  const input = readOmniInput(call);
  const { problems, warnings } = commonAssessment(input);
  return { problems: [...problems, ...needUrls(call.media, 'Replicate')], warnings };
}

/**
 * The prediction input. Kling 3.0 Omni: duration as an integer, mode `standard` (720p) or `pro` (1080p),
 * one image as start_image (then no aspect_ratio), several as reference_images, the reference video with
 * its reference type always sent (Replicate's default differs from Kling's) and without its sound.
 * Image models: the source image first, then the references, in `image_input` (or the source alone as
 * `image`, then without an aspect ratio); the size as `resolution` or `size`; PNG where it can be asked for;
 * one image.
 */
export function replicateInput(call: Call): Record<string, Json> {
  const image = IMAGE_MODELS[call.model];
  if (image) {
    const input = readImageInput(call);
    const out: Record<string, Json> = { prompt: input.prompt };
    if (image.images.field === 'image') {
      if (input.source) out.image = input.source.url ?? '';
    } else {
      const images = imageList(input);
      if (images.length > 0) out[image.images.field] = images.map((m) => m.url ?? '');
    }
    if (image.images.field !== 'image' || !input.source) out.aspect_ratio = input.aspectRatio;
    if (image.quality) out.quality = inputString(call, 'quality');
    if (image.sizeField !== null && input.imageSize !== null) out[image.sizeField] = input.imageSize;
    if (image.png) out.output_format = REPLICATE_IMAGE_FORMAT.field;
    Object.assign(out, image.fixed);
    return out;
  }
  const input = readOmniInput(call);
  const out: Record<string, Json> = { prompt: input.prompt };
  if (input.startFrame) out.start_image = input.startFrame.url ?? '';
  if (input.endFrame) out.end_image = input.endFrame.url ?? '';
  if (input.images.length > 0) out.reference_images = input.images.map((m) => m.url ?? '');
  if (input.video) {
    out.reference_video = input.video.url ?? '';
    out.video_reference_type = 'feature';
    out.keep_original_sound = false;
  }
  out.mode = input.resolution === '1080p' ? 'pro' : 'standard';
  if (!input.startFrame) out.aspect_ratio = input.aspectRatio;
  out.duration = input.duration;
  out.generate_audio = input.audio && input.video === null;
  return out;
}
