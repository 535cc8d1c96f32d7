import type { Json } from '@reelay/catalog';
import type { Warning } from '../../provider.ts';
import { needUrls } from '../../upstream/omni-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import type { FalRequest } from '../fal-request.ts';

const TEXT_TO_VIDEO = 'fal-ai/veo3.1/lite';
const IMAGE_TO_VIDEO = 'fal-ai/veo3.1/lite/image-to-video';
const FIRST_LAST_FRAME = 'fal-ai/veo3.1/lite/first-last-frame-to-video';

/**
 * Veo 3.1 Lite on fal: `fal-ai/veo3.1/lite` (prompt, aspect_ratio 16:9/9:16, duration "4s"/"6s"/"8s",
 * resolution 720p/1080p, generate_audio), its image-to-video tab (`fal-ai/veo3.1/lite/image-to-video`, the
 * same with `image_url`) and its first-last-frame tab (`…/first-last-frame-to-video`, the frames as
 * `first_frame_url` and `last_frame_url`, as on fal's Veo 3.1 first-last-frame pages). No reference images
 * there (a problem); the rest is honoured.
 */
export const falVeo31Lite = upstreamModel({
  model: 'veo-3.1-lite',
  endpoint: TEXT_TO_VIDEO,
  source: 'https://fal.ai/docs/model-api-reference/video-generation-api/veo3.1-lite',
  assess: ({ media }) => {
    const problems: Warning[] = needUrls(media.all, 'fal');
    if (media.one('endImage') && !media.one('startImage')) {
      problems.push({
        code: 'end_image_unsupported',
        message: "fal's Veo 3.1 Lite takes an end frame only together with a start frame.",
      });
    }
    if (media.list('referenceAssetUris').length > 0) {
      problems.push({
        code: 'references_unsupported',
        message: "fal's Veo 3.1 Lite endpoints take no reference images.",
      });
    }
    return { problems, warnings: [] };
  },
  build: ({ values, media }): FalRequest => {
    const start = media.one('startImage');
    const end = media.one('endImage');
    const body: Record<string, Json> = { prompt: values.prompt };
    if (start && end) {
      body.first_frame_url = start.url ?? '';
      body.last_frame_url = end.url ?? '';
    } else if (start) body.image_url = start.url ?? '';
    body.aspect_ratio = values.aspectRatio;
    body.duration = `${values.duration}s`;
    body.resolution = values.resolution;
    body.generate_audio = values.audioEnabled;
    const endpoint = start && end ? FIRST_LAST_FRAME : start ? IMAGE_TO_VIDEO : TEXT_TO_VIDEO;
    return { endpoint, body };
  },
});
