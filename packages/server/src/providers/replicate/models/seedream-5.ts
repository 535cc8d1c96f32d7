import { readImageInput } from '../../upstream/image-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import {
  type ReplicateImageModel,
  replicateImageAssessment,
  replicateImageRequest,
} from '../replicate-request.ts';

const IMAGE: ReplicateImageModel = {
  model: 'bytedance/seedream-5-lite',
  images: { field: 'image_input', maxImages: 14 },
  sizeField: 'size',
  png: true,
  fixed: { sequential_image_generation: 'disabled' },
};

/**
 * Seedream 5 on Replicate's `bytedance/seedream-5-lite` (the fields of Seedream 4.5 with size 2K/3K and output_format png/jpeg). Output: a list of URIs.
 * Fields as its API page shows them (version eeb2857d…).
 */
export const replicateSeedream5 = upstreamModel({
  model: 'seedream-5',
  endpoint: IMAGE.model,
  source: 'https://replicate.com/bytedance/seedream-5-lite/api',
  assess: (request) => replicateImageAssessment(readImageInput(request), IMAGE, request.media.all),
  build: (request) => replicateImageRequest(readImageInput(request), IMAGE),
});
