import type { Json } from '@reelay/catalog';
import type { Assessment, StartCall } from '../provider.ts';
import { imageList, listImageAssessment, readImageInput } from '../upstream/image-input.ts';
import { commonAssessment, needUrls, readOmniInput } from '../upstream/omni-input.ts';

/**
 * Reelay model id → Replicate's official model and what it makes. Input fields as each model's API page
 * on replicate.com shows them:
 * - kwaivgi/kling-v3-omni-video: see the providers README.
 * - google/nano-banana: replicate.com/google/nano-banana/versions/f0a9d34b…/api (prompt, image_input,
 *   output_format); its aspect_ratio values (match_input_image, 1:1 … 21:9) as api.core.today's copy of the
 *   current schema lists them. Output: one URI.
 * - google/nano-banana-2: replicate.com/google/nano-banana-2/versions/2de9ad5b…/api (prompt, image_input up
 *   to 14, aspect_ratio, resolution 1K/2K/4K, output_format). Output: one URI.
 */
export const REPLICATE_MODELS: Readonly<Record<string, string>> = {
  'kling-3.0-omni': 'kwaivgi/kling-v3-omni-video',
  'nano-banana': 'google/nano-banana',
  'nano-banana-2': 'google/nano-banana-2',
};

/** Image models: the most input images each takes in its one list (null: no stated limit). */
const IMAGE_MODELS: Readonly<Record<string, { maxImages: number | null; resolution: boolean }>> = {
  'nano-banana': { maxImages: null, resolution: false },
  'nano-banana-2': { maxImages: 14, resolution: true },
};

/** The format image models are asked for (the media type of their outputs). */
export const REPLICATE_IMAGE_FORMAT = { field: 'png', mediaType: 'image/png' } as const;

type Call = Omit<StartCall, 'signal' | 'idempotencyKey' | 'callbackUrl'>;

/** Whether the model makes images (its output is stored as an image). */
export const isReplicateImageModel = (model: string) => model in IMAGE_MODELS;

/** What Replicate makes of a request: it reads every media file from a URL. */
export function assessForReplicate(call: Call): Assessment {
  if (!(call.model in REPLICATE_MODELS)) {
    return {
      problems: [{ code: 'model_not_hosted', message: `Replicate has no ${call.model} here.` }],
      warnings: [],
    };
  }
  const image = IMAGE_MODELS[call.model];
  if (image) {
    const input = readImageInput(call);
    const { problems, warnings } = listImageAssessment(input, 'Replicate');
    const count = imageList(input).length;
    if (image.maxImages !== null && count > image.maxImages) {
      problems.push({
        code: 'too_many_images',
        message: `Replicate's ${REPLICATE_MODELS[call.model]} takes at most ${image.maxImages} input images; ${count} were given.`,
      });
    }
    return { problems: [...problems, ...needUrls(call.media, 'Replicate')], warnings };
  }
  const input = readOmniInput(call);
  const { problems, warnings } = commonAssessment(input);
  return { problems: [...problems, ...needUrls(call.media, 'Replicate')], warnings };
}

/**
 * The prediction input. Kling 3.0 Omni: duration as an integer, mode `standard` (720p) or `pro` (1080p),
 * one image as start_image (then no aspect_ratio), several as reference_images, the reference video with
 * its reference type always sent (Replicate's default differs from Kling's) and without its sound.
 * Image models: the source image first, then the references, in `image_input`; the aspect ratio as
 * given; the size as `resolution` where the model has one; PNG output.
 */
export function replicateInput(call: Call): Record<string, Json> {
  const image = IMAGE_MODELS[call.model];
  if (image) {
    const input = readImageInput(call);
    const out: Record<string, Json> = { prompt: input.prompt };
    const images = imageList(input);
    if (images.length > 0) out.image_input = images.map((m) => m.url ?? '');
    out.aspect_ratio = input.aspectRatio;
    if (image.resolution && input.imageSize !== null) out.resolution = input.imageSize;
    out.output_format = REPLICATE_IMAGE_FORMAT.field;
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
