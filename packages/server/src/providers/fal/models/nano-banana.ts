import { readImageInput } from '../../upstream/image-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import { type FalImageEndpoint, falImageAssessment, falImageRequest } from '../fal-request.ts';

const IMAGE: FalImageEndpoint = { endpoint: 'fal-ai/nano-banana', resolution: false, maxImages: null };

/**
 * Nano Banana on fal: `fal-ai/nano-banana` (prompt, num_images, aspect_ratio 21:9 … 9:16, output_format jpeg/png/webp; output `images[]`) and, with input images, `fal-ai/nano-banana/edit` with `image_urls` (fal's model listing, ziframe.com/models/google/nano-banana-edit). No size field.
 */
export const falNanoBanana = upstreamModel({
  model: 'nano-banana',
  endpoint: IMAGE.endpoint,
  source: 'https://fal.ai/docs/model-api-reference/image-generation-api/nano-banana',
  assess: (request) => falImageAssessment(readImageInput(request), IMAGE, request.media.all),
  build: (request) => falImageRequest(readImageInput(request), IMAGE),
});
