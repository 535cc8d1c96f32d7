import { readOmniInput } from '../../upstream/omni-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import { klingAssessment, klingFamilyRequest } from '../kling-request.ts';

/** Kling 3.0 on text2video, or image2video with a start frame (`model_name: kling-v3`, `image` and `image_tail`); 4K is not known to Kling's own API. */
export const kling30 = upstreamModel({
  model: 'kling-3.0',
  endpoint: 'POST /v1/videos/text2video or /v1/videos/image2video',
  source: 'https://kling.ai/document-api/apiReference/model/textToVideo',
  assess: (request) => klingAssessment(readOmniInput(request, true), 'video'),
  build: (request) => klingFamilyRequest(readOmniInput(request, true), 'video', 'kling-v3'),
});
