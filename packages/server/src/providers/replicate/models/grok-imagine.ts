import { readImageInput } from '../../upstream/image-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import {
  type ReplicateImageModel,
  replicateImageAssessment,
  replicateImageRequest,
} from '../replicate-request.ts';

const IMAGE: ReplicateImageModel = {
  model: 'xai/grok-imagine-image',
  images: { field: 'image' },
  sizeField: null,
  png: false,
  fixed: { n: 1 },
};

/**
 * Grok Imagine on Replicate's `xai/grok-imagine-image` (prompt, one `image` to edit, n, aspect_ratio, which is ignored when editing). Output: a list of URIs.
 * Fields as its API page shows them (version a41e0f0c…).
 */
export const replicateGrokImagine = upstreamModel({
  model: 'grok-imagine',
  endpoint: IMAGE.model,
  source: 'https://replicate.com/xai/grok-imagine-image/api',
  assess: (request) => replicateImageAssessment(readImageInput(request), IMAGE, request.media.all),
  build: (request) => replicateImageRequest(readImageInput(request), IMAGE),
});
