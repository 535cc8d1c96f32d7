import { readImageInput } from '../../upstream/image-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import {
  type ReplicateImageModel,
  replicateImageAssessment,
  replicateImageRequest,
} from '../replicate-request.ts';

const IMAGE: ReplicateImageModel = {
  model: 'google/nano-banana-2',
  images: { field: 'image_input', maxImages: 14 },
  sizeField: 'resolution',
  png: true,
  fixed: {},
};

/**
 * Nano Banana 2 on Replicate's `google/nano-banana-2` (prompt, image_input up to 14, aspect_ratio, resolution 1K/2K/4K, output_format). Output: one URI.
 * Fields as its API page shows them (version 2de9ad5b…).
 */
export const replicateNanoBanana2 = upstreamModel({
  model: 'nano-banana-2',
  endpoint: IMAGE.model,
  source: 'https://replicate.com/google/nano-banana-2/api',
  assess: (request) => replicateImageAssessment(readImageInput(request), IMAGE, request.media.all),
  build: (request) => replicateImageRequest(readImageInput(request), IMAGE),
});
