import { upstreamModel } from '../../upstream/upstream-model.ts';
import { falMotionAssessment, falMotionRequest } from '../fal-request.ts';

/**
 * Kling 2.6 Motion on fal: a character image (`image_url`) driven by a motion video (`video_url`). Fields as fal's
 * model page shows them (image_url, video_url, character_orientation, prompt) and `@fal-ai/client`'s endpoint
 * types of 2026-08-02 declare them, `keep_original_sound` a boolean among them.
 */
export const falKling26Motion = upstreamModel({
  model: 'kling-2.6-motion',
  endpoint: 'fal-ai/kling-video/v2.6/standard/motion-control',
  source: 'https://fal.ai/docs/model-api-reference/video-generation-api/kling-video-v2.6-standard',
  assess: falMotionAssessment,
  build: (request) => falMotionRequest(request, 'fal-ai/kling-video/v2.6/standard/motion-control'),
});
