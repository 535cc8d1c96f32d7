import { commonAssessment, needUrls, readOmniInput } from '../../upstream/omni-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import { falKlingRequest } from '../fal-request.ts';

/** Kling 3.0 on fal's V3 endpoints (`fal-ai/kling-video/v3/{standard,pro}/{task}`), at standard and pro only: 4K is a problem. */
export const falKling30 = upstreamModel({
  model: 'kling-3.0',
  endpoint: 'fal-ai/kling-video/v3',
  source: 'https://fal.ai/models/fal-ai/kling-video/v3/standard/text-to-video/api',
  assess: (request) => {
    const { problems, warnings } = commonAssessment(readOmniInput(request, true));
    if (request.values.resolution === '4k') {
      problems.push({
        code: 'resolution_unsupported',
        message: 'fal hosts Kling 3.0 at standard and pro only.',
      });
    }
    return { problems: [...problems, ...needUrls(request.media.all, 'fal')], warnings };
  },
  build: (request) => falKlingRequest(readOmniInput(request, true), 'fal-ai/kling-video/v3'),
});
