import { readOmniInput } from '../../upstream/omni-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import { klingAssessment, klingFamilyRequest } from '../kling-request.ts';

/** Kling O1 on omni-video (`model_name: kling-video-o1`), typed first and end frames, no `sound` (O1 has no audio). */
export const klingO1 = upstreamModel({
  model: 'kling-o1',
  endpoint: 'POST /v1/videos/omni-video',
  source: 'https://kling.ai/document-api/apiReference/model/OmniVideo',
  assess: (request) => klingAssessment(readOmniInput(request, false), 'omni'),
  build: (request) => klingFamilyRequest(readOmniInput(request, false), 'omni', 'kling-video-o1'),
});
