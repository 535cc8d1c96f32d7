import type { Json } from '@reelay/catalog';
import { needUrls } from '../../upstream/omni-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import type { FalRequest } from '../fal-request.ts';

const TEXT_TO_VIDEO = 'alibaba/happy-horse/text-to-video';
const REFERENCE_TO_VIDEO = 'alibaba/happy-horse/reference-to-video';
const MAX_PROMPT = 2500;

/**
 * HappyHorse 1.0 on fal: …/text-to-video (prompt up to 2500 characters, aspect_ratio 16:9/9:16/1:1/4:3/3:4,
 * resolution 720p/1080p, duration an integer 3-15) and …/reference-to-video (the same with `image_urls`, 1-9,
 * named character1, character2… in the prompt). fal's image-to-video and video-edit endpoints are not
 * described in the stored copies of its pages, so a start image or a source video is not sent there.
 */
export const falHappyHorse10 = upstreamModel({
  model: 'happyhorse-1.0',
  endpoint: TEXT_TO_VIDEO,
  source: 'https://fal.ai/models/alibaba/happy-horse/text-to-video/llms.txt',
  assess: ({ values, media }) => {
    const problems = needUrls(media.all, 'fal');
    for (const [slot, what] of [
      ['startImage', 'a start image'],
      ['sourceVideo', 'a source video'],
    ] as const) {
      if (media.one(slot)) {
        problems.push({
          code: 'input_unsupported',
          message: `fal's HappyHorse route here takes text or reference images, not ${what} (${slot}).`,
        });
      }
    }
    if (values.prompt.length > MAX_PROMPT) {
      problems.push({
        code: 'prompt_too_long',
        message: `fal's HappyHorse takes prompts of at most ${MAX_PROMPT} characters; this one has ${values.prompt.length}.`,
      });
    }
    return { problems, warnings: [] };
  },
  build: ({ values, media }): FalRequest => {
    const images = media.list('referenceAssetUris');
    const body: Record<string, Json> = { prompt: values.prompt };
    if (images.length > 0) body.image_urls = images.map((m) => m.url ?? '');
    body.aspect_ratio = values.aspectRatio;
    body.resolution = values.resolution;
    body.duration = values.duration;
    return { endpoint: images.length > 0 ? REFERENCE_TO_VIDEO : TEXT_TO_VIDEO, body };
  },
});
