import { commonAssessment, needUrls, readOmniInput } from '../../upstream/omni-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import { falKlingRequest } from '../fal-request.ts';

/**
 * Kling 3.0 on fal's V3 endpoints, `fal-ai/kling-video/v3/{standard,pro,4k}/{text-to-video,image-to-video}`:
 * 720p, 1080p and 4K each have their own endpoint with the same fields (`prompt`, `duration` "3"…"15",
 * `aspect_ratio` 16:9/9:16/1:1 on text-to-video, `start_image_url` and `end_image_url` on image-to-video,
 * `generate_audio`), as `@fal-ai/client`'s endpoint types of 2026-08-02 declare them.
 */
export const falKling30 = upstreamModel({
  model: 'kling-3.0',
  endpoint: 'fal-ai/kling-video/v3',
  source: 'https://fal.ai/models/fal-ai/kling-video/v3/standard/text-to-video/api',
  /** fal's price as its page was reported (it changes; `reelay upstreams check` tells when it has). */
  prices: {
    'fal-ai/kling-video/v3/standard/text-to-video': {
      unitPrice: 0.084,
      unit: 'second',
      currency: 'USD',
      source: 'fal model page for Kling V3 standard text-to-video (sound off), as reported in 2026',
    },
  },
  assess: (request) => {
    const { problems, warnings } = commonAssessment(readOmniInput(request, true));
    return { problems: [...problems, ...needUrls(request.media.all, 'fal')], warnings };
  },
  build: (request) => falKlingRequest(readOmniInput(request, true), 'fal-ai/kling-video/v3'),
});
