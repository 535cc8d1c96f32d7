import type { Assessment } from '../provider.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import { type MappedCall, mappingOf, notHosted, type UpstreamModels } from '../upstream/upstream-model.ts';
import type { FalRequest } from './fal-request.ts';
import { falHappyHorse10 } from './models/happyhorse-1.0.ts';
import { falKling26Motion } from './models/kling-2.6-motion.ts';
import { falKling30 } from './models/kling-3.0.ts';
import { falKling30Motion } from './models/kling-3.0-motion.ts';
import { falKling30Omni } from './models/kling-3.0-omni.ts';
import { falNanoBanana } from './models/nano-banana.ts';
import { falNanoBanana2 } from './models/nano-banana-2.ts';
import { falVeo31Lite } from './models/veo-3.1-lite.ts';

/** The models fal runs here, each with its mapping (`models/<model>.ts`). */
export const FAL_MODELS: UpstreamModels<FalRequest> = {
  'kling-3.0-omni': falKling30Omni,
  'kling-3.0': falKling30,
  'kling-3.0-motion': falKling30Motion,
  'kling-2.6-motion': falKling26Motion,
  'veo-3.1-lite': falVeo31Lite,
  'happyhorse-1.0': falHappyHorse10,
  'nano-banana': falNanoBanana,
  'nano-banana-2': falNanoBanana2,
};

/** What fal makes of a request: the model's mapping, or `model_not_hosted`. */
export function assessForFal(call: MappedCall): Assessment {
  return mappingOf(FAL_MODELS, call.model)?.assess(call) ?? notHosted('fal', call.model);
}

/** The endpoint and input a request is submitted with. */
export function falRequest(call: MappedCall): FalRequest {
  const mapping = mappingOf(FAL_MODELS, call.model);
  if (!mapping) throw new UpstreamError('invalid', `fal has no ${call.model} here`);
  return mapping.build(call);
}
