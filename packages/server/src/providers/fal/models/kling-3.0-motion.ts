import { upstreamModel } from '../../upstream/upstream-model.ts';
import { falMotionAssessment, falMotionRequest } from '../fal-request.ts';

/**
 * Kling 3.0 Motion on fal: a character image (`image_url`) driven by a motion video (`video_url`), at
 * `fal-ai/kling-video/v3/standard/motion-control`. Endpoint and fields (`image_url`, `video_url`,
 * `character_orientation` image/video, `keep_original_sound` a boolean, `prompt`; an optional face `elements`
 * entry, not sent) as `@fal-ai/client`'s endpoint types of 2026-08-02 declare them.
 */
export const falKling30Motion = upstreamModel({
  model: 'kling-3.0-motion',
  endpoint: 'fal-ai/kling-video/v3/standard/motion-control',
  source:
    'https://github.com/fal-ai/fal-js/blob/381105e138b85502b528fb8f6c16d909e30e462a/libs/client/src/types/endpoints.ts',
  assess: falMotionAssessment,
  build: (request) => falMotionRequest(request, 'fal-ai/kling-video/v3/standard/motion-control'),
});
