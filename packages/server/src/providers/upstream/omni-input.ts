import type { ResolvedMedia, Warning } from '../provider.ts';
import type { ModelRequest } from './upstream-model.ts';

/** The Kling video models, read alike by every upstream that hosts them. */
export type KlingFamily = 'kling-3.0-omni' | 'kling-3.0' | 'kling-o1' | 'kling-2.6';

/** The Reelay input of the Kling models, read once for every upstream that hosts them. */
export interface OmniInput {
  prompt: string;
  aspectRatio: string;
  resolution: string;
  duration: number;
  audio: boolean;
  /** Whether the model has an audio switch at all (Kling O1 has none). */
  hasAudioField: boolean;
  /** Reference images in their order (a start frame taken from them is not among them). */
  images: ResolvedMedia[];
  video: ResolvedMedia | null;
  /** The first frame: `startImage`, or kling-3.0-omni's single reference image (its image_to_video). */
  startFrame: ResolvedMedia | null;
  endFrame: ResolvedMedia | null;
}

/**
 * Reads the typed input and the resolved media of a Kling-family request; `hasAudioField` says whether the
 * model has an audio switch (Kling 2.6 has one without a default, so the input alone cannot tell).
 */
export function readOmniInput(request: ModelRequest<KlingFamily>, hasAudioField: boolean): OmniInput {
  const { values, media } = request;
  const images = media.list('referenceAssetUris');
  const video = media.one('referenceVideo');
  const single = request.mode === 'image_to_video' && images.length === 1 && video === null;
  return {
    prompt: values.prompt,
    aspectRatio: values.aspectRatio,
    resolution: values.resolution,
    duration: values.duration,
    audio: hasAudioField && 'audioEnabled' in values && values.audioEnabled === true,
    hasAudioField,
    images: single ? [] : images,
    video,
    startFrame: media.one('startImage') ?? (single ? (images[0] ?? null) : null),
    endFrame: media.one('endImage'),
  };
}

/** Longest output Kling makes with a reference video (its own rule, the same wherever it is hosted). */
export const MAX_SECONDS_WITH_VIDEO = 10;

/** What no host of the Kling 3.0 models can run, and what every one of them honours only in part. */
export function commonAssessment(input: OmniInput): { problems: Warning[]; warnings: Warning[] } {
  const problems: Warning[] = [];
  const warnings: Warning[] = [];
  if (input.video !== null && input.duration > MAX_SECONDS_WITH_VIDEO) {
    problems.push({
      code: 'duration_unsupported',
      message: `Kling makes at most ${MAX_SECONDS_WITH_VIDEO} s with a referenceVideo; ${input.duration} s was asked.`,
    });
  }
  if (input.startFrame !== null) {
    warnings.push({
      code: 'aspect_ratio_from_image',
      message: `aspectRatio ${input.aspectRatio} is not sent: with a first frame, the video takes that image's shape.`,
    });
  }
  return { problems, warnings };
}

/** A problem for each media file that has no URL an upstream could fetch. */
export function needUrls(media: readonly ResolvedMedia[], provider: string): Warning[] {
  return media
    .filter((m) => m.url === null)
    .map((m) => ({
      code: 'media_url_unavailable',
      param: `input.${m.field}`,
      message: `${provider} needs a URL it can fetch for ${m.field}${m.index === null ? '' : `[${m.index}]`}, and this gateway has none to give.`,
    }));
}
