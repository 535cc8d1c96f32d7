import type { Json } from '@reelay/catalog';
import type { Assessment, ResolvedMedia } from '../provider.ts';
import { type ImageInput, imageList, listImageAssessment } from '../upstream/image-input.ts';
import { commonAssessment, needUrls, type OmniInput } from '../upstream/omni-input.ts';
import type { ModelRequest } from '../upstream/upstream-model.ts';

/** A submit to fal's queue, as a model's mapping builds it: the endpoint (model path) and its input. */
export interface FalRequest {
  endpoint: string;
  body: Record<string, Json>;
}

/** Kling's `<<<image_1>>>` references in fal's spelling (`@Image1`). */
export function falPrompt(prompt: string): string {
  return prompt
    .replace(/<<<image_(\d+)>>>/g, '@Image$1')
    .replace(/<<<element_(\d+)>>>/g, '@Element$1')
    .replace(/<<<video_(\d+)>>>/g, '@Video$1');
}

/** What fal makes of a Kling 3.0 request: Kling's own rules, and every media file read from a URL. */
export function falKlingAssessment(input: OmniInput, media: readonly ResolvedMedia[]): Assessment {
  const { problems, warnings } = commonAssessment(input);
  return { problems: [...problems, ...needUrls(media, 'fal')], warnings };
}

/**
 * A Kling 3.0 request on the family of endpoints `family` (`fal-ai/kling-video/o3`): the resolution picks the
 * standard (720p), pro (1080p) or 4k endpoint and the filled slots pick the task — a start frame (and end frame)
 * goes to image-to-video, reference images to reference-to-video, a reference video to
 * video-to-video/reference without its sound. Durations are strings. The start frame goes in `startImageField`:
 * fal's O3 image-to-video calls it `image_url`, its V3 image-to-video `start_image_url`.
 */
export function falKlingRequest(
  input: OmniInput,
  family: string,
  startImageField: 'image_url' | 'start_image_url' = 'start_image_url',
): FalRequest {
  const tier = input.resolution === '4k' ? '4k' : input.resolution === '1080p' ? 'pro' : 'standard';
  const base = `${family}/${tier}`;
  const prompt = falPrompt(input.prompt);
  const duration = String(input.duration);
  const imageUrls = input.images.map((m) => m.url ?? '');
  if (input.video) {
    return {
      endpoint: `${base}/video-to-video/reference`,
      body: {
        prompt,
        video_url: input.video.url ?? '',
        ...(imageUrls.length > 0 ? { image_urls: imageUrls } : {}),
        keep_audio: false,
        duration,
        aspect_ratio: input.aspectRatio,
      },
    };
  }
  if (input.startFrame) {
    return {
      endpoint: `${base}/image-to-video`,
      body: {
        prompt,
        [startImageField]: input.startFrame.url ?? '',
        ...(input.endFrame ? { end_image_url: input.endFrame.url ?? '' } : {}),
        duration,
        generate_audio: input.audio,
      },
    };
  }
  if (imageUrls.length > 0) {
    return {
      endpoint: `${base}/reference-to-video`,
      body: {
        prompt,
        image_urls: imageUrls,
        duration,
        aspect_ratio: input.aspectRatio,
        generate_audio: input.audio,
      },
    };
  }
  return {
    endpoint: `${base}/text-to-video`,
    body: { prompt, duration, aspect_ratio: input.aspectRatio, generate_audio: input.audio },
  };
}

/** How fal hosts an image model: its text-to-image endpoint (and `/edit`), whether it takes a size, its image limit. */
export interface FalImageEndpoint {
  endpoint: string;
  resolution: boolean;
  maxImages: number | null;
}

/** What fal makes of an image request: one list of images (no mask), at most `maxImages`, each by URL. */
export function falImageAssessment(
  input: ImageInput,
  image: FalImageEndpoint,
  media: readonly ResolvedMedia[],
): Assessment {
  const { problems, warnings } = listImageAssessment(input, 'fal');
  const count = imageList(input).length;
  if (image.maxImages !== null && count > image.maxImages) {
    problems.push({
      code: 'too_many_images',
      message: `fal's ${image.endpoint} takes at most ${image.maxImages} input images; ${count} were given.`,
    });
  }
  return { problems: [...problems, ...needUrls(media, 'fal')], warnings };
}

/**
 * An image model's request: text only to the model's endpoint, any input image to its `/edit` endpoint with
 * every image in `image_urls` (the source image first); one image, the aspect ratio as given, the size as
 * `resolution` where the model has one, PNG.
 */
export function falImageRequest(input: ImageInput, image: FalImageEndpoint): FalRequest {
  const images = imageList(input);
  const body: Record<string, Json> = { prompt: input.prompt };
  if (images.length > 0) body.image_urls = images.map((m) => m.url ?? '');
  body.num_images = 1;
  body.aspect_ratio = input.aspectRatio;
  if (image.resolution && input.imageSize !== null) body.resolution = input.imageSize;
  body.output_format = 'png';
  return { endpoint: images.length > 0 ? `${image.endpoint}/edit` : image.endpoint, body };
}

/** The motion-transfer models on fal. */
export type MotionModel = 'kling-2.6-motion' | 'kling-3.0-motion';

/**
 * What motion transfer honours only in part: the output takes the motion video's framing and length, so
 * aspectRatio and duration are not sent.
 */
export function falMotionAssessment(request: ModelRequest<MotionModel>): Assessment {
  const { values } = request;
  return {
    problems: needUrls(request.media.all, 'fal'),
    warnings: [
      {
        code: 'aspect_ratio_from_video',
        message: `aspectRatio ${values.aspectRatio} is not sent: the video takes the framing of motionVideo.`,
      },
      {
        code: 'duration_from_video',
        message: `duration ${values.duration} s is not sent: the video is as long as motionVideo (up to 30 s).`,
      },
    ],
  };
}

/**
 * A motion transfer: the character photo and the motion video by URL, the character facing as in the video
 * (full-body motion, up to 30 s), the video's own sound kept when `audioEnabled`.
 */
export function falMotionRequest(request: ModelRequest<MotionModel>, endpoint: string): FalRequest {
  const { values, media } = request;
  return {
    endpoint,
    body: {
      ...(values.prompt ? { prompt: values.prompt } : {}),
      image_url: media.one('referencePhoto')?.url ?? '',
      video_url: media.one('motionVideo')?.url ?? '',
      character_orientation: 'video',
      keep_original_sound: values.audioEnabled,
    },
  };
}
