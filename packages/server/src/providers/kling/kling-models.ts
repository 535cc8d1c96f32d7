import type { Assessment } from '../provider.ts';
import { type MappedCall, mappingOf, notHosted, type UpstreamModels } from '../upstream/upstream-model.ts';
import type { KlingRequest } from './kling-request.ts';
import { kling26 } from './models/kling-2.6.ts';
import { kling30 } from './models/kling-3.0.ts';
import { kling30Omni } from './models/kling-3.0-omni.ts';
import { klingO1 } from './models/kling-o1.ts';

/** The models Kling's own API runs here, each with its mapping (`models/<model>.ts`). */
export const KLING_MODELS: UpstreamModels<KlingRequest> = {
  'kling-3.0-omni': kling30Omni,
  'kling-3.0': kling30,
  'kling-o1': klingO1,
  'kling-2.6': kling26,
};

/** What Kling's own API makes of a request: the model's mapping, or `model_not_hosted`. */
export function assessForKling(call: MappedCall): Assessment {
  return mappingOf(KLING_MODELS, call.model)?.assess(call) ?? notHosted('Kling', call.model);
}
