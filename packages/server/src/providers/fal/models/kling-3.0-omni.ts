import { readOmniInput } from '../../upstream/omni-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import { falKlingAssessment, falKlingRequest } from '../fal-request.ts';

/**
 * Kling 3.0 Omni on fal, which calls it "O3": `fal-ai/kling-video/o3/{standard,pro}/{task}`. Its image-to-video
 * takes the start frame as `image_url` (fal's O3 image-to-video API page), unlike the V3 endpoints.
 */
export const falKling30Omni = upstreamModel({
  model: 'kling-3.0-omni',
  endpoint: 'fal-ai/kling-video/o3',
  source: 'https://fal.ai/models/fal-ai/kling-video/o3/standard/reference-to-video/api',
  /** fal's price as its page was reported (it changes; `reelay upstreams check` tells when it has). */
  prices: {
    'fal-ai/kling-video/o3/standard/reference-to-video': {
      unitPrice: 0.084,
      unit: 'second',
      currency: 'USD',
      source: 'fal model page for Kling O3 standard reference-to-video (sound off), as reported in 2026',
    },
  },
  assess: (request) => falKlingAssessment(readOmniInput(request, true), request.media.all),
  build: (request) => falKlingRequest(readOmniInput(request, true), 'fal-ai/kling-video/o3', 'image_url'),
});
