import { readFileSync } from 'node:fs';
import type { Json } from '@reelay/catalog';
import type { Assessment, ResolvedMedia, StartCall, Warning } from '../provider.ts';
import { commonAssessment, readOmniInput } from '../upstream/omni-input.ts';

/**
 * Reelay model id → Kling's endpoint family and model_name (always sent: the omni endpoint's default is O1).
 * Kling 3.0 and 2.6 (not omni) run on text2video / image2video; the omni models on omni-video.
 * `kling-v2-6` on text2video / image2video, with `sound` on/off (2.6 and later only), mode std/pro and
 * aspect_ratio 16:9, 9:16 or 1:1: Kling's protocol as its mirrors show it (ai-docs.tikhub.io/419974984e0,
 * docs.anyfast.ai kling text-to-video; modelstream.ai cites kling.ai/document-api/apiReference/model/imageToVideo).
 */
export const KLING_MODELS: Readonly<Record<string, { api: 'omni' | 'video'; modelName: string }>> = {
  'kling-3.0-omni': { api: 'omni', modelName: 'kling-v3-omni' },
  'kling-o1': { api: 'omni', modelName: 'kling-video-o1' },
  'kling-3.0': { api: 'video', modelName: 'kling-v3' },
  'kling-2.6': { api: 'video', modelName: 'kling-v2-6' },
};

/** The aspect ratios Kling's text2video takes (an image2video video takes its image's shape). */
const VIDEO_ASPECTS = ['16:9', '9:16', '1:1'];

/** Kling takes images up to 10 MB, as a URL or as raw base64. */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

type Call = Omit<StartCall, 'signal' | 'idempotencyKey' | 'callbackUrl'>;

/** What Kling's own API makes of a request. */
export function assessForKling(call: Call): Assessment {
  const model = KLING_MODELS[call.model];
  if (!model) {
    return {
      problems: [{ code: 'model_not_hosted', message: `Kling has no ${call.model} here.` }],
      warnings: [],
    };
  }
  const input = readOmniInput(call);
  const { problems, warnings } = commonAssessment(input);
  const images = [...input.images, input.startFrame, input.endFrame].filter(
    (m): m is ResolvedMedia => m !== null,
  );
  for (const image of images) {
    if (image.url === null && image.bytes > MAX_IMAGE_BYTES) {
      problems.push({
        code: 'media_url_unavailable',
        message: `Kling takes images over 10 MB only by URL, and this gateway has none to give for ${image.field}.`,
      });
    }
  }
  if (input.video?.url === null) {
    problems.push({
      code: 'media_url_unavailable',
      message: 'Kling needs a URL it can fetch for referenceVideo, and this gateway has none to give.',
    });
  }
  if (input.resolution === '4k') problems.push(NO_4K);
  if (model.api === 'video' && input.startFrame === null && !VIDEO_ASPECTS.includes(input.aspectRatio)) {
    problems.push({
      code: 'aspect_ratio_unsupported',
      message: `Kling's text2video makes ${VIDEO_ASPECTS.join(', ')} only; ${input.aspectRatio} was asked.`,
    });
  }
  return { problems, warnings };
}

const NO_4K: Warning = {
  code: 'resolution_unsupported',
  message: "Kling's own API is not known to take 4K (mode is std or pro); another provider may.",
};

const imageSource = (m: ResolvedMedia) => m.url ?? readFileSync(m.path).toString('base64');

/** The endpoint path (under /v1/videos/) a request goes to. */
export function klingEndpoint(call: Call): 'omni-video' | 'text2video' | 'image2video' {
  if (KLING_MODELS[call.model]?.api !== 'video') return 'omni-video';
  return readOmniInput(call).startFrame ? 'image2video' : 'text2video';
}

/**
 * The request body. Omni: duration as a string, sound on/off (models with audio), resolution as mode, the
 * first frame typed `first_frame` (then no aspect_ratio), reference images plain, the last frame typed
 * `end_frame`, the reference video as a `feature` reference without its sound. Kling 3.0: the same fields
 * with `image` / `image_tail` on image2video. The generation id is the external_task_id, so Kling refuses
 * a second start of the same generation.
 */
export function klingBody(call: Call & { callbackUrl?: string }): Record<string, Json> {
  const input = readOmniInput(call);
  const body: Record<string, Json> = {
    model_name: KLING_MODELS[call.model]?.modelName ?? call.model,
    prompt: input.prompt,
  };
  const endpoint = klingEndpoint(call);
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
  if (call.callbackUrl) body.callback_url = call.callbackUrl;
  body.external_task_id = call.generationId;
  return body;
}
