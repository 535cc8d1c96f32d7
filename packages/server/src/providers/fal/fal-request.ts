import type { Json } from '@reelay/catalog';
import type { Assessment, StartCall } from '../provider.ts';
import { inputFlag, inputNumber, inputString } from '../upstream/catalog-default.ts';
import { imageList, listImageAssessment, readImageInput } from '../upstream/image-input.ts';
import { commonAssessment, needUrls, readOmniInput } from '../upstream/omni-input.ts';

/** Reelay model id → fal's family of endpoints (fal calls Kling 3.0 Omni "O3"). */
export const FAL_FAMILIES: Readonly<Record<string, string>> = {
  'kling-3.0-omni': 'fal-ai/kling-video/o3',
  'kling-3.0': 'fal-ai/kling-video/v3',
};

/**
 * Image models on fal: the text-to-image endpoint, and its `/edit` endpoint for requests with input images
 * (`image_urls`). Fields as fal's own model pages show them:
 * - fal-ai/nano-banana: fal.ai/docs/model-api-reference/image-generation-api/nano-banana (prompt, num_images,
 *   aspect_ratio 21:9 … 9:16, output_format jpeg/png/webp; output `images[]`); its edit endpoint takes
 *   `image_urls` as well (fal's model listing of fal-ai/nano-banana/edit, ziframe.com/models/google/nano-banana-edit).
 * - fal-ai/nano-banana-2: fal.ai/models/fal-ai/nano-banana-2/edit/llms.txt and
 *   fal.ai/docs/model-api-reference/image-generation-api/nano-banana-2 (the same fields plus `resolution`
 *   1K/2K/4K, priced per size there).
 */
export const FAL_IMAGE_MODELS: Readonly<
  Record<string, { endpoint: string; resolution: boolean; maxImages: number | null }>
> = {
  'nano-banana': { endpoint: 'fal-ai/nano-banana', resolution: false, maxImages: null },
  'nano-banana-2': { endpoint: 'fal-ai/nano-banana-2', resolution: true, maxImages: 14 },
};

/**
 * Motion transfer on fal: a character image (`image_url`) driven by a motion video (`video_url`).
 * fal-ai/kling-video/v2.6/standard/motion-control: fal.ai/docs/model-api-reference/video-generation-api/
 * kling-video-v2.6-standard (image_url, video_url, character_orientation, prompt; `keep_original_sound` a
 * boolean as fal-backed listings show it). The V3 endpoint id as picadabra.ai's fal model list and
 * prospolabs' "backed by fal-ai/kling-video/v3/pro/motion-control" name it, with the same fields.
 */
export const FAL_MOTION_MODELS: Readonly<Record<string, string>> = {
  'kling-2.6-motion': 'fal-ai/kling-video/v2.6/standard/motion-control',
  'kling-3.0-motion': 'fal-ai/kling-video/v3/standard/motion-control',
};

/**
 * Veo 3.1 Lite on fal: fal.ai/docs/model-api-reference/video-generation-api/veo3.1-lite (`fal-ai/veo3.1/lite`:
 * prompt, aspect_ratio 16:9/9:16, duration "4s"/"6s"/"8s", resolution 720p/1080p, generate_audio) and its
 * image-to-video tab (`fal-ai/veo3.1/lite/image-to-video`, the same with `image_url`; endpoint id also in
 * videopromptkit.com's Veo 3.1 Lite overview, which notes no end-frame parameter).
 */
export const FAL_VEO_LITE = {
  textToVideo: 'fal-ai/veo3.1/lite',
  imageToVideo: 'fal-ai/veo3.1/lite/image-to-video',
} as const;

/**
 * HappyHorse 1.0 on fal: fal.ai/models/alibaba/happy-horse/text-to-video/llms.txt (prompt up to 2500
 * characters, aspect_ratio 16:9/9:16/1:1/4:3/3:4, resolution 720p/1080p, duration an integer 3-15) and
 * …/reference-to-video/llms.txt (the same with `image_urls`, 1-9). fal's image-to-video and video-edit
 * endpoints are not described in the stored copies, so a start image or a source video is not sent there.
 */
export const FAL_HAPPYHORSE = {
  textToVideo: 'alibaba/happy-horse/text-to-video',
  referenceToVideo: 'alibaba/happy-horse/reference-to-video',
  maxPrompt: 2500,
} as const;

type Call = Omit<StartCall, 'signal' | 'idempotencyKey' | 'callbackUrl'>;

/** HappyHorse 1.0 on fal: text or reference images; a start image, a source video or a long prompt cannot go. */
function happyHorseAssessment(call: Call): Assessment {
  const problems = needUrls(call.media, 'fal');
  for (const [field, what] of [
    ['startImage', 'a start image'],
    ['sourceVideo', 'a source video'],
  ] as const) {
    if (call.media.some((m) => m.field === field)) {
      problems.push({
        code: 'input_unsupported',
        message: `fal's HappyHorse route here takes text or reference images, not ${what} (${field}).`,
      });
    }
  }
  const prompt = inputString(call, 'prompt');
  if (prompt.length > FAL_HAPPYHORSE.maxPrompt) {
    problems.push({
      code: 'prompt_too_long',
      message: `fal's HappyHorse takes prompts of at most ${FAL_HAPPYHORSE.maxPrompt} characters; this one has ${prompt.length}.`,
    });
  }
  return { problems, warnings: [] };
}

/** Veo 3.1 Lite on fal: no end frame and no reference images there (problems); the rest is honoured. */
function veoAssessment(call: Call): Assessment {
  const problems = needUrls(call.media, 'fal');
  if (call.media.some((m) => m.field === 'endImage')) {
    problems.push({
      code: 'end_image_unsupported',
      message: "fal's Veo 3.1 Lite endpoints take no end frame; endImage cannot be honoured there.",
    });
  }
  if (call.media.some((m) => m.field === 'referenceAssetUris')) {
    problems.push({
      code: 'references_unsupported',
      message: "fal's Veo 3.1 Lite endpoints take no reference images.",
    });
  }
  return { problems, warnings: [] };
}

/**
 * What motion transfer honours only in part: the output takes the motion video's framing and length, so
 * aspectRatio and duration are not sent.
 */
function motionAssessment(call: Call): Assessment {
  const aspect = inputString(call, 'aspectRatio');
  const seconds = inputNumber(call, 'duration');
  return {
    problems: needUrls(call.media, 'fal'),
    warnings: [
      {
        code: 'aspect_ratio_from_video',
        message: `aspectRatio ${aspect} is not sent: the video takes the framing of motionVideo.`,
      },
      {
        code: 'duration_from_video',
        message: `duration ${seconds} s is not sent: the video is as long as motionVideo (up to 30 s).`,
      },
    ],
  };
}

/** What fal makes of a request: it reads every media file from a URL. */
export function assessForFal(call: Call): Assessment {
  if (call.model in FAL_MOTION_MODELS) return motionAssessment(call);
  if (call.model === 'veo-3.1-lite') return veoAssessment(call);
  if (call.model === 'happyhorse-1.0') return happyHorseAssessment(call);
  const image = FAL_IMAGE_MODELS[call.model];
  if (image) {
    const input = readImageInput(call);
    const { problems, warnings } = listImageAssessment(input, 'fal');
    const count = imageList(input).length;
    if (image.maxImages !== null && count > image.maxImages) {
      problems.push({
        code: 'too_many_images',
        message: `fal's ${image.endpoint} takes at most ${image.maxImages} input images; ${count} were given.`,
      });
    }
    return { problems: [...problems, ...needUrls(call.media, 'fal')], warnings };
  }
  if (!(call.model in FAL_FAMILIES)) {
    return {
      problems: [{ code: 'model_not_hosted', message: `fal has no ${call.model} here.` }],
      warnings: [],
    };
  }
  const input = readOmniInput(call);
  const { problems, warnings } = commonAssessment(input);
  if (input.resolution === '4k' && call.model === 'kling-3.0') {
    problems.push({
      code: 'resolution_unsupported',
      message: 'fal hosts Kling 3.0 at standard and pro only.',
    });
  }
  return { problems: [...problems, ...needUrls(call.media, 'fal')], warnings };
}

/** Kling's `<<<image_1>>>` references in fal's spelling (`@Image1`). */
export function falPrompt(prompt: string): string {
  return prompt
    .replace(/<<<image_(\d+)>>>/g, '@Image$1')
    .replace(/<<<element_(\d+)>>>/g, '@Element$1')
    .replace(/<<<video_(\d+)>>>/g, '@Video$1');
}

/**
 * The fal endpoint and input of a request: the resolution picks the standard (720p) or pro (1080p)
 * endpoint and the filled slots pick the task — a start frame (and end frame) goes to image-to-video,
 * reference images to reference-to-video, a reference video to video-to-video/reference without its
 * sound. Durations are strings.
 */
export function falRequest(call: Call): { endpoint: string; body: Record<string, Json> } {
  const image = FAL_IMAGE_MODELS[call.model];
  if (image) return falImageRequest(call, image);
  const motion = FAL_MOTION_MODELS[call.model];
  if (motion) return { endpoint: motion, body: falMotionBody(call) };
  if (call.model === 'veo-3.1-lite') return falVeoRequest(call);
  if (call.model === 'happyhorse-1.0') return falHappyHorseRequest(call);
  const input = readOmniInput(call);
  const tier = input.resolution === '1080p' ? 'pro' : 'standard';
  const family = `${FAL_FAMILIES[call.model] ?? call.model}/${tier}`;
  const prompt = falPrompt(input.prompt);
  const duration = String(input.duration);
  const imageUrls = input.images.map((m) => m.url ?? '');
  if (input.video) {
    return {
      endpoint: `${family}/video-to-video/reference`,
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
      endpoint: `${family}/image-to-video`,
      body: {
        prompt,
        start_image_url: input.startFrame.url ?? '',
        ...(input.endFrame ? { end_image_url: input.endFrame.url ?? '' } : {}),
        duration,
        generate_audio: input.audio,
      },
    };
  }
  if (imageUrls.length > 0) {
    return {
      endpoint: `${family}/reference-to-video`,
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
    endpoint: `${family}/text-to-video`,
    body: { prompt, duration, aspect_ratio: input.aspectRatio, generate_audio: input.audio },
  };
}

/**
 * An image model's request: text only to the model's endpoint, any input image to its `/edit` endpoint with
 * every image in `image_urls` (the source image first); one image, the aspect ratio as given, the size as
 * `resolution` where the model has one, PNG.
 */
function falImageRequest(
  call: Call,
  image: { endpoint: string; resolution: boolean },
): { endpoint: string; body: Record<string, Json> } {
  const input = readImageInput(call);
  const images = imageList(input);
  const body: Record<string, Json> = { prompt: input.prompt };
  if (images.length > 0) body.image_urls = images.map((m) => m.url ?? '');
  body.num_images = 1;
  body.aspect_ratio = input.aspectRatio;
  if (image.resolution && input.imageSize !== null) body.resolution = input.imageSize;
  body.output_format = 'png';
  return { endpoint: images.length > 0 ? `${image.endpoint}/edit` : image.endpoint, body };
}

/**
 * A motion transfer: the character photo and the motion video by URL, the character facing as in the video
 * (full-body motion, up to 30 s), the video's own sound kept when `audioEnabled`.
 */
function falMotionBody(call: Call): Record<string, Json> {
  const url = (field: string) => call.media.find((m) => m.field === field)?.url ?? '';
  const prompt = inputString(call, 'prompt');
  return {
    ...(prompt ? { prompt } : {}),
    image_url: url('referencePhoto'),
    video_url: url('motionVideo'),
    character_orientation: 'video',
    keep_original_sound: inputFlag(call, 'audioEnabled'),
  };
}

/** Veo 3.1 Lite: text to the lite endpoint, a start image to its image-to-video endpoint; duration as "8s". */
function falVeoRequest(call: Call): { endpoint: string; body: Record<string, Json> } {
  const start = call.media.find((m) => m.field === 'startImage') ?? null;
  const body: Record<string, Json> = { prompt: inputString(call, 'prompt') };
  if (start) body.image_url = start.url ?? '';
  body.aspect_ratio = inputString(call, 'aspectRatio');
  body.duration = `${inputNumber(call, 'duration')}s`;
  body.resolution = inputString(call, 'resolution');
  body.generate_audio = inputFlag(call, 'audioEnabled');
  return { endpoint: start ? FAL_VEO_LITE.imageToVideo : FAL_VEO_LITE.textToVideo, body };
}

/** HappyHorse 1.0: text to text-to-video, reference images (in order) to reference-to-video; duration an integer. */
function falHappyHorseRequest(call: Call): { endpoint: string; body: Record<string, Json> } {
  const images = call.media
    .filter((m) => m.field === 'referenceAssetUris')
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const body: Record<string, Json> = { prompt: inputString(call, 'prompt') };
  if (images.length > 0) body.image_urls = images.map((m) => m.url ?? '');
  body.aspect_ratio = inputString(call, 'aspectRatio');
  body.resolution = inputString(call, 'resolution');
  body.duration = inputNumber(call, 'duration');
  return {
    endpoint: images.length > 0 ? FAL_HAPPYHORSE.referenceToVideo : FAL_HAPPYHORSE.textToVideo,
    body,
  };
}
