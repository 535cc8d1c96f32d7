import { type ModelId, models } from '@reelay/catalog';
import { FAL_MODELS } from './fal/fal-models.ts';
import { KLING_MODELS } from './kling/kling-models.ts';
import { REPLICATE_MODELS } from './replicate/replicate-models.ts';
import type { UpstreamModels } from './upstream/upstream-model.ts';
import { UPSTREAM_IDS, type UpstreamId } from './upstream-ids.ts';

/** Every upstream's registry: upstream id → model id → how the model is sent there (`<upstream>/models/<model>.ts`). */
export const UPSTREAM_MODELS: Readonly<Record<UpstreamId, UpstreamModels<unknown>>> = {
  kling: KLING_MODELS,
  fal: FAL_MODELS,
  replicate: REPLICATE_MODELS,
};

/** One model on one upstream, as the registries hold it. */
export interface HostedModel {
  model: ModelId;
  upstream: UpstreamId;
  endpoint: string;
  source: string;
}

/** Every (model, upstream) pair the registries hold, in catalog order, each model's upstreams in route order. */
export function hostedModels(): HostedModel[] {
  return models.flatMap((m) =>
    UPSTREAM_IDS.flatMap((upstream) => {
      const mapping = UPSTREAM_MODELS[upstream][m.id as ModelId];
      return mapping
        ? [{ model: mapping.model, upstream, endpoint: mapping.endpoint, source: mapping.source }]
        : [];
    }),
  );
}

/**
 * The providers each model runs on, best first, when nothing is configured: every upstream whose registry
 * has the model, in the order of `UPSTREAM_IDS`. Models no upstream runs are left out (they run on `local`).
 */
export const DEFAULT_ROUTES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  models.flatMap((m) => {
    const route = hostedModels()
      .filter((h) => h.model === m.id)
      .map((h) => h.upstream);
    return route.length > 0 ? [[m.id, route]] : [];
  }),
);
