import type { ResolvedMedia, Warning } from '../provider.ts';
import type { ModelRequest } from './upstream-model.ts';

/** The image models, read alike by every upstream that hosts them. */
export type ImageFamily =
  | 'nano-banana'
  | 'nano-banana-2'
  | 'seedream-4.5'
  | 'seedream-5'
  | 'grok-imagine'
  | 'gpt-image-2';

/** The Reelay input of an image model, read once for every upstream that hosts it. */
export interface ImageInput {
  prompt: string;
  aspectRatio: string;
  /** `1K`, `2K`, `4K`… or null when the model has no size field. */
  imageSize: string | null;
  /** The image to edit. */
  source: ResolvedMedia | null;
  mask: ResolvedMedia | null;
  /** Reference images in their order. */
  references: ResolvedMedia[];
}

/** Reads the typed input and the resolved media of an image model's request. */
export function readImageInput(request: ModelRequest<ImageFamily>): ImageInput {
  const { values, media } = request;
  return {
    prompt: values.prompt,
    aspectRatio: values.aspectRatio,
    imageSize: 'imageSize' in values ? values.imageSize : null,
    source: media.one('sourceImage'),
    mask: media.one('maskImage'),
    references: media.list('referenceAssetUris'),
  };
}

/** The input images as one list, the image to edit first: how upstreams without separate slots take them. */
export function imageList(input: ImageInput): ResolvedMedia[] {
  return input.source ? [input.source, ...input.references] : input.references;
}

/**
 * What an upstream that takes every image in one list (no mask slot, no separate edit source) makes of a
 * request: a mask cannot be honoured at all; an edit source together with references is honoured only in
 * part, as the upstream is not told which image is the one to edit.
 */
export function listImageAssessment(
  input: ImageInput,
  provider: string,
): { problems: Warning[]; warnings: Warning[] } {
  const problems: Warning[] = [];
  const warnings: Warning[] = [];
  if (input.mask) {
    problems.push({
      code: 'mask_unsupported',
      message: `${provider} takes no mask for this model; maskImage cannot be honoured there.`,
    });
  }
  if (input.source && input.references.length > 0) {
    warnings.push({
      code: 'source_image_in_list',
      message: `${provider} takes sourceImage and referenceAssetUris as one list of images: sourceImage is sent first, and the prompt should say which image to edit.`,
    });
  }
  return { problems, warnings };
}
