import { readImageInput } from '../../upstream/image-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import {
  type ReplicateImageModel,
  replicateImageAssessment,
  replicateImageRequest,
} from '../replicate-request.ts';

const IMAGE: ReplicateImageModel = {
  model: 'google/nano-banana',
  images: { field: 'image_input', maxImages: null },
  sizeField: null,
  png: true,
  fixed: {},
};

/**
 * Nano Banana on Replicate's `google/nano-banana` (prompt, image_input, output_format); its aspect_ratio values (match_input_image, 1:1 … 21:9) as api.core.today's copy of the current schema lists them. Output: one URI.
 * Fields as its API page shows them (version f0a9d34b…).
 */
export const replicateNanoBanana = upstreamModel({
  model: 'nano-banana',
  endpoint: IMAGE.model,
  source: 'https://replicate.com/google/nano-banana/api',
  assess: (request) => replicateImageAssessment(readImageInput(request), IMAGE, request.media.all),
  build: (request) => replicateImageRequest(readImageInput(request), IMAGE),
});
