import { readOmniInput } from '../../upstream/omni-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import { klingAssessment, klingFamilyRequest } from '../kling-request.ts';

/** Kling 2.6 on text2video / image2video (`model_name: kling-v2-6`), `sound` on/off (2.6 and later), aspect 16:9, 9:16, 1:1 on text2video: Kling's protocol as its mirrors show it (ai-docs.tikhub.io, docs.anyfast.ai; modelstream.ai cites kling.ai/document-api/apiReference/model/imageToVideo). */
export const kling26 = upstreamModel({
  model: 'kling-2.6',
  endpoint: 'POST /v1/videos/text2video or /v1/videos/image2video',
  source: 'https://ai-docs.tikhub.io/419974984e0',
  assess: (request) => klingAssessment(readOmniInput(request, true), 'video'),
  build: (request) => klingFamilyRequest(readOmniInput(request, true), 'video', 'kling-v2-6'),
});
