import { readImageInput } from '../../upstream/image-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import {
  type ReplicateImageModel,
  replicateImageAssessment,
  replicateImageRequest,
} from '../replicate-request.ts';

const IMAGE: ReplicateImageModel = {
  model: 'openai/gpt-image-2',
  images: { field: 'input_images', maxImages: null },
  aspects: ['1:1', '3:2', '2:3'],
  sizes: ['1K'],
  sizeField: null,
  png: true,
  fixed: { number_of_images: 1 },
};

/**
 * GPT Image 2 on Replicate's `openai/gpt-image-2`, its schema as copied by api.core.today and cloudernative.com's copy of the model page (prompt, input_images, aspect_ratio 1:1/3:2/2:3, quality, number_of_images limited to 1, output_format webp/png/jpeg; no size control: 2K/4K are problems). replicate.com's own page is not in the stored corpus.
 */
export const replicateGptImage2 = upstreamModel({
  model: 'gpt-image-2',
  endpoint: IMAGE.model,
  source: 'https://api.core.today/v1/models/openai/gpt-image-2/llms.txt',
  assess: (request) => replicateImageAssessment(readImageInput(request), IMAGE, request.media.all),
  build: (request) => replicateImageRequest(readImageInput(request), IMAGE, request.values.quality),
});
