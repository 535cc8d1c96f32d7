import { readOmniInput } from '../../upstream/omni-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import { klingAssessment, klingFamilyRequest } from '../kling-request.ts';

/** Kling 3.0 Omni on omni-video (`model_name: kling-v3-omni`, always sent: the endpoint's default is O1). */
export const kling30Omni = upstreamModel({
  model: 'kling-3.0-omni',
  endpoint: 'POST /v1/videos/omni-video',
  source: 'https://kling.ai/document-api/apiReference/model/OmniVideo',
  assess: (request) => klingAssessment(readOmniInput(request, true), 'omni'),
  build: (request) => klingFamilyRequest(readOmniInput(request, true), 'omni', 'kling-v3-omni'),
});
