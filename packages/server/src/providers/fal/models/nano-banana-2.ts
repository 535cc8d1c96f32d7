import { readImageInput } from '../../upstream/image-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import { type FalImageEndpoint, falImageAssessment, falImageRequest } from '../fal-request.ts';

const IMAGE: FalImageEndpoint = { endpoint: 'fal-ai/nano-banana-2', resolution: true, maxImages: 14 };

/**
 * Nano Banana 2 on fal: `fal-ai/nano-banana-2` and `fal-ai/nano-banana-2/edit` (fal.ai/docs/model-api-reference/image-generation-api/nano-banana-2): the fields of Nano Banana plus `resolution` 1K/2K/4K, at most 14 input images.
 */
export const falNanoBanana2 = upstreamModel({
  model: 'nano-banana-2',
  endpoint: IMAGE.endpoint,
  source: 'https://fal.ai/models/fal-ai/nano-banana-2/edit/llms.txt',
  assess: (request) => falImageAssessment(readImageInput(request), IMAGE, request.media.all),
  build: (request) => falImageRequest(readImageInput(request), IMAGE),
});
