import { readImageInput } from '../../upstream/image-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import {
  type ReplicateImageModel,
  replicateImageAssessment,
  replicateImageRequest,
} from '../replicate-request.ts';

const IMAGE: ReplicateImageModel = {
  model: 'bytedance/seedream-4.5',
  images: { field: 'image_input', maxImages: 14 },
  sizeField: 'size',
  png: false,
  fixed: { sequential_image_generation: 'disabled' },
};

/**
 * Seedream 4.5 on Replicate's `bytedance/seedream-4.5` (prompt, image_input 1-14, size 2K/4K, aspect_ratio, sequential_image_generation; aspect_ratio values: docs.genhub.me's copy). No output_format. Output: a list of URIs.
 * Fields as its API page shows them (version 9fe3b828…).
 */
export const replicateSeedream45 = upstreamModel({
  model: 'seedream-4.5',
  endpoint: IMAGE.model,
  source: 'https://replicate.com/bytedance/seedream-4.5/api',
  assess: (request) => replicateImageAssessment(readImageInput(request), IMAGE, request.media.all),
  build: (request) => replicateImageRequest(readImageInput(request), IMAGE),
});
