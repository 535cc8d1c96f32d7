import type { Json } from '@reelay/catalog';
import { needUrls } from '../../upstream/omni-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import type { FalRequest } from '../fal-request.ts';

const TEXT_TO_VIDEO = 'alibaba/happy-horse/text-to-video';
const REFERENCE_TO_VIDEO = 'alibaba/happy-horse/reference-to-video';
const IMAGE_TO_VIDEO = 'alibaba/happy-horse/image-to-video';
const VIDEO_EDIT = 'alibaba/happy-horse/video-edit';
const MAX_PROMPT = 2500;

/**
 * The catalog lets a prompt name reference images character1, character2… (fal's reference mode); its video-edit
 * names them @Image1, @Image2…, so an edit's prompt is sent with the names of the images it has rewritten.
 */
function editPrompt(prompt: string, images: number): string {
  return prompt.replace(/\bcharacter([1-9])\b/g, (name, n: string) =>
    Number(n) <= images ? `@Image${n}` : name,
  );
}

/**
 * HappyHorse 1.0 on fal: …/text-to-video (prompt up to 2500 characters, aspect_ratio 16:9/9:16/1:1/4:3/3:4,
 * resolution 720p/1080p, duration an integer 3-15), …/reference-to-video (the same with `image_urls`, 1-9,
 * named character1, character2… in the prompt), …/image-to-video (the first frame as `image_url`, as on fal's
 * Happy Horse image-to-video page; the frame sets the framing, so no aspect ratio: a warning) and …/video-edit
 * (the source as `video_url`, reference images, at most 5, as `reference_image_urls`, not `image_urls`; the output
 * keeps the source's framing and length, so neither aspect ratio nor duration is sent: warnings). Field names as
 * `@fal-ai/client`'s endpoint types of 2026-08-02 declare them.
 */
export const falHappyHorse10 = upstreamModel({
  model: 'happyhorse-1.0',
  endpoint: TEXT_TO_VIDEO,
  source: 'https://fal.ai/models/alibaba/happy-horse/text-to-video/llms.txt',
  assess: ({ values, media }) => {
    const problems = needUrls(media.all, 'fal');
    const warnings = [];
    if (values.prompt.length > MAX_PROMPT) {
      problems.push({
        code: 'prompt_too_long',
        message: `fal's HappyHorse takes prompts of at most ${MAX_PROMPT} characters; this one has ${values.prompt.length}.`,
      });
    }
    if (media.one('startImage') || media.one('sourceVideo')) {
      warnings.push({
        code: 'aspect_ratio_from_input',
        message: `aspectRatio ${values.aspectRatio} is not sent: the output takes the framing of the given image or video.`,
      });
    }
    if (media.one('sourceVideo')) {
      warnings.push({
        code: 'duration_from_video',
        message: `duration ${values.duration} is not sent: an edit is as long as sourceVideo.`,
      });
    }
    return { problems, warnings };
  },
  build: ({ values, media }): FalRequest => {
    const images = media.list('referenceAssetUris');
    const start = media.one('startImage');
    const source = media.one('sourceVideo');
    const body: Record<string, Json> = { prompt: values.prompt };
    if (source) {
      body.prompt = editPrompt(values.prompt, images.length);
      body.video_url = source.url ?? '';
      if (images.length > 0) body.reference_image_urls = images.map((m) => m.url ?? '');
      body.resolution = values.resolution;
      return { endpoint: VIDEO_EDIT, body };
    }
    if (start) {
      body.image_url = start.url ?? '';
      body.resolution = values.resolution;
      body.duration = values.duration;
      return { endpoint: IMAGE_TO_VIDEO, body };
    }
    if (images.length > 0) body.image_urls = images.map((m) => m.url ?? '');
    body.aspect_ratio = values.aspectRatio;
    body.resolution = values.resolution;
    body.duration = values.duration;
    return { endpoint: images.length > 0 ? REFERENCE_TO_VIDEO : TEXT_TO_VIDEO, body };
  },
});
