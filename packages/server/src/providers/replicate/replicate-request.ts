import type { Json } from '@reelay/catalog';
import type { Assessment, ResolvedMedia, Warning } from '../provider.ts';
import { type ImageInput, imageList, listImageAssessment } from '../upstream/image-input.ts';
import { needUrls } from '../upstream/omni-input.ts';

/** A prediction's input, as a model's mapping builds it, and the media type its outputs are expected in. */
export interface ReplicateRequest {
  input: Record<string, Json>;
  /** For image models (PNG where asked for, else JPEG; an output's file extension overrides it); null for video. */
  mediaType: string | null;
}

/** How an image model takes its inputs on Replicate. */
export interface ReplicateImageModel {
  /** Replicate's official model (`google/nano-banana`). */
  model: string;
  /** One list of every image, at most `maxImages` (null: no stated limit); or `image`: one to edit. */
  images: { field: 'image_input' | 'input_images'; maxImages: number | null } | { field: 'image' };
  /** The aspect ratios it makes, when fewer than the catalog's. */
  aspects?: readonly string[];
  /** The image sizes it makes without a size field (about 1K), when the catalog has more. */
  sizes?: readonly string[];
  /** Where `imageSize` goes, if the model has a size. */
  sizeField: 'resolution' | 'size' | null;
  /** Whether PNG can be asked for (`output_format`); otherwise the upstream picks the format. */
  png: boolean;
  /** Fields sent as they are: one image per request. */
  fixed: Readonly<Record<string, Json>>;
}

/** The format image models are asked for where they take one (the media type of their outputs). */
export const REPLICATE_IMAGE_FORMAT = { field: 'png', mediaType: 'image/png' } as const;

/** What Replicate makes of an image request: its own image slots, sizes and aspect ratios, every file by URL. */
export function replicateImageAssessment(
  input: ImageInput,
  image: ReplicateImageModel,
  media: readonly ResolvedMedia[],
): Assessment {
  const problems: Warning[] = [];
  const warnings: Warning[] = [];
  const model = image.model;
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
  return { problems: [...problems, ...needUrls(media, 'Replicate')], warnings };
}

/**
 * An image model's prediction input: the source image first, then the references, in one list (or the source
 * alone as `image`, then without an aspect ratio); `quality` where the model takes it; the size as
 * `resolution` or `size`; PNG where it can be asked for; one image.
 */
export function replicateImageRequest(
  input: ImageInput,
  image: ReplicateImageModel,
  quality: string | null = null,
): ReplicateRequest {
  const out: Record<string, Json> = { prompt: input.prompt };
  if (image.images.field === 'image') {
    if (input.source) out.image = input.source.url ?? '';
  } else {
    const images = imageList(input);
    if (images.length > 0) out[image.images.field] = images.map((m) => m.url ?? '');
  }
  if (image.images.field !== 'image' || !input.source) out.aspect_ratio = input.aspectRatio;
  if (quality !== null) out.quality = quality;
  if (image.sizeField !== null && input.imageSize !== null) out[image.sizeField] = input.imageSize;
  if (image.png) out.output_format = REPLICATE_IMAGE_FORMAT.field;
  Object.assign(out, image.fixed);
  return { input: out, mediaType: image.png ? REPLICATE_IMAGE_FORMAT.mediaType : 'image/jpeg' };
}
