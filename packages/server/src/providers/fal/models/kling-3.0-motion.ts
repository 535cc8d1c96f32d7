import { upstreamModel } from '../../upstream/upstream-model.ts';
import { falMotionAssessment, falMotionRequest } from '../fal-request.ts';

/**
 * Kling 3.0 Motion on fal: a character image (`image_url`) driven by a motion video (`video_url`). The endpoint id as picadabra.ai's fal model list and prospolabs ("backed by fal-ai/kling-video/v3/pro/motion-control") name it, with the fields of the V2.6 page: not confirmed on a fal page.
 */
export const falKling30Motion = upstreamModel({
  model: 'kling-3.0-motion',
  endpoint: 'fal-ai/kling-video/v3/standard/motion-control',
  source: 'https://fal.ai/docs/model-api-reference/video-generation-api/kling-video-v2.6-standard',
  assess: falMotionAssessment,
  build: (request) => falMotionRequest(request, 'fal-ai/kling-video/v3/standard/motion-control'),
});
