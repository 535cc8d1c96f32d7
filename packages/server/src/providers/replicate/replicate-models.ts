import type { Assessment } from '../provider.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import {
  type MappedCall,
  mappingOf,
  notHosted,
  type UpstreamModel,
  type UpstreamModels,
} from '../upstream/upstream-model.ts';
import { replicateGptImage2 } from './models/gpt-image-2.ts';
import { replicateGrokImagine } from './models/grok-imagine.ts';
import { replicateKling30Omni } from './models/kling-3.0-omni.ts';
import { replicateNanoBanana } from './models/nano-banana.ts';
import { replicateNanoBanana2 } from './models/nano-banana-2.ts';
import { replicateSeedream45 } from './models/seedream-4.5.ts';
import { replicateSeedream5 } from './models/seedream-5.ts';
import type { ReplicateRequest } from './replicate-request.ts';

/** The models Replicate runs here (each on an official model, `endpoint`), with its mapping (`models/<model>.ts`). */
export const REPLICATE_MODELS: UpstreamModels<ReplicateRequest> = {
  'kling-3.0-omni': replicateKling30Omni,
  'nano-banana': replicateNanoBanana,
  'nano-banana-2': replicateNanoBanana2,
  'seedream-4.5': replicateSeedream45,
  'seedream-5': replicateSeedream5,
  'grok-imagine': replicateGrokImagine,
  'gpt-image-2': replicateGptImage2,
};

/** What Replicate makes of a request: the model's mapping, or `model_not_hosted`. */
export function assessForReplicate(call: MappedCall): Assessment {
  return mappingOf(REPLICATE_MODELS, call.model)?.assess(call) ?? notHosted('Replicate', call.model);
}

/** The mapping of a model Replicate runs here; throws for any other. */
export function replicateMapping(call: MappedCall): UpstreamModel<ReplicateRequest> {
  const mapping = mappingOf(REPLICATE_MODELS, call.model);
  if (!mapping) throw new UpstreamError('invalid', `Replicate has no ${call.model} here`);
  return mapping;
}

/** The prediction input of a request. */
export const replicateInput = (call: MappedCall): ReplicateRequest['input'] =>
  replicateMapping(call).build(call).input;
