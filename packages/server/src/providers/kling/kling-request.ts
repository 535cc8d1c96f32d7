import { readFileSync } from 'node:fs';
import type { Json } from '@reelay/catalog';
import type { Assessment, ResolvedMedia, Warning } from '../provider.ts';
import { commonAssessment, type OmniInput } from '../upstream/omni-input.ts';

/** The endpoint paths (under /v1/videos/) a Kling request goes to. */
export type KlingEndpoint = 'omni-video' | 'text2video' | 'image2video';

/** A request to Kling's API, as a model's mapping builds it (the adapter adds the callback and the external id). */
export interface KlingRequest {
  endpoint: KlingEndpoint;
  body: Record<string, Json>;
}

/** Kling's two families of endpoints: omni-video, or text2video / image2video. */
export type KlingApi = 'omni' | 'video';

/** The aspect ratios Kling's text2video takes (an image2video video takes its image's shape). */
const VIDEO_ASPECTS = ['16:9', '9:16', '1:1'];

/** Kling takes images up to 10 MB, as a URL or as raw base64. */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

const NO_4K: Warning = {
  code: 'resolution_unsupported',
  message: "Kling's own API is not known to take 4K (mode is std or pro); another provider may.",
};

/** What Kling's own API makes of a Kling-family request on `api`. */
export function klingAssessment(input: OmniInput, api: KlingApi): Assessment {
  const { problems, warnings } = commonAssessment(input);
  const images = [...input.images, input.startFrame, input.endFrame].filter(
    (m): m is ResolvedMedia => m !== null,
  );
  for (const image of images) {
    if (image.url === null && image.bytes > MAX_IMAGE_BYTES) {
      problems.push({
        code: 'media_url_unavailable',
        param: `input.${image.field}`,
        message: `Kling takes images over 10 MB only by URL, and this gateway has none to give for ${image.field}.`,
      });
    }
  }
  if (input.video?.url === null) {
    problems.push({
      code: 'media_url_unavailable',
      param: `input.${input.video.field}`,
      message: 'Kling needs a URL it can fetch for referenceVideo, and this gateway has none to give.',
    });
  }
  if (input.resolution === '4k') problems.push(NO_4K);
  if (api === 'video' && input.startFrame === null && !VIDEO_ASPECTS.includes(input.aspectRatio)) {
    problems.push({
      code: 'aspect_ratio_unsupported',
      message: `Kling's text2video makes ${VIDEO_ASPECTS.join(', ')} only; ${input.aspectRatio} was asked.`,
    });
  }
  return { problems, warnings };
}

const imageSource = (m: ResolvedMedia) => m.url ?? readFileSync(m.path).toString('base64');

/**
 * The request of a Kling-family model. Omni: duration as a string, sound on/off (models with audio),
 * resolution as mode, the first frame typed `first_frame` (then no aspect_ratio), reference images plain,
 * the last frame typed `end_frame`, the reference video as a `feature` reference without its sound.
 * text2video / image2video: the same fields with `image` / `image_tail` on image2video.
 */
export function klingFamilyRequest(input: OmniInput, api: KlingApi, modelName: string): KlingRequest {
  const endpoint: KlingEndpoint =
    api === 'omni' ? 'omni-video' : input.startFrame ? 'image2video' : 'text2video';
  const body: Record<string, Json> = { model_name: modelName, prompt: input.prompt };
  if (endpoint === 'image2video' && input.startFrame) {
    body.image = imageSource(input.startFrame);
    if (input.endFrame) body.image_tail = imageSource(input.endFrame);
  } else if (endpoint === 'omni-video') {
    const list: Json[] = [];
    if (input.startFrame) list.push({ image_url: imageSource(input.startFrame), type: 'first_frame' });
    for (const m of input.images) list.push({ image_url: imageSource(m) });
    if (input.endFrame) list.push({ image_url: imageSource(input.endFrame), type: 'end_frame' });
    if (list.length > 0) body.image_list = list;
    if (input.video) {
      body.video_list = [
        { video_url: input.video.url ?? '', refer_type: 'feature', keep_original_sound: 'no' },
      ];
    }
  }
  body.mode = input.resolution === '720p' ? 'std' : 'pro';
  if (!input.startFrame) body.aspect_ratio = input.aspectRatio;
  body.duration = String(input.duration);
  if (input.hasAudioField) body.sound = input.audio && input.video === null ? 'on' : 'off';
  return { endpoint, body };
}
