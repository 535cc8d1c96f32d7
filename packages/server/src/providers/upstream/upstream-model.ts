import type { MediaSlot, ModelId, PreparedValues } from '@reelay/catalog';
import type { Assessment, ResolvedMedia, StartCall } from '../provider.ts';
import { preparedValues } from './catalog-default.ts';

/** A request as a mapping sees it, before anything is sent. */
export type MappedCall = Pick<StartCall, 'model' | 'mode' | 'input' | 'media'>;

/** The media files of a request, by the model's own slot names. */
export interface ModelMedia<M extends ModelId> {
  /** The file in a single slot, or null when it is empty. */
  one(slot: MediaSlot<M>): ResolvedMedia | null;
  /** The files of a list slot in their order (empty when none). */
  list(slot: MediaSlot<M>): ResolvedMedia[];
  /** Every file of the request. */
  readonly all: readonly ResolvedMedia[];
}

/** The scalar fields of model `M`'s prepared input (for a union of models: the union of their inputs). */
export type ScalarValues<M extends ModelId> = M extends ModelId
  ? Omit<PreparedValues<M>, MediaSlot<M>>
  : never;

/**
 * What a mapping reads: the scalar fields of model `M`'s prepared input, typed (media fields are read from
 * the resolved files in `media`), and the mode the catalog chose.
 */
export interface ModelRequest<M extends ModelId> {
  values: ScalarValues<M>;
  media: ModelMedia<M>;
  mode: string;
}

/**
 * What a mapping takes an upstream endpoint to cost, as written down with the mapping (from the upstream's price as
 * published or reported), so a check can tell when the upstream's published price moves away from it.
 */
export interface AssumedPrice {
  /** Price of one unit, in `currency`. */
  unitPrice: number;
  /** What is billed (`second` of video, `image`…). */
  unit: string;
  currency: string;
  /** Where the price was read. */
  source: string;
}

/** How model `M` is sent to one upstream, as that upstream's own page for the model describes it. */
export interface UpstreamModelSpec<M extends ModelId, R> {
  model: M;
  /** The upstream's model path or endpoint (family) the model goes to. */
  endpoint: string;
  /** The upstream's page the mapping follows. */
  source: string;
  /** Exact endpoint → the price it is taken to have there; endpoints left out assume none. */
  prices?: Readonly<Record<string, AssumedPrice>>;
  /** What it cannot take (problems: routing skips it) and what it honours only in part (warnings). */
  assess(request: ModelRequest<M>): Assessment;
  /** The upstream request, field by field. */
  build(request: ModelRequest<M>): R;
}

/** A mapping as an adapter uses it: any model, the input checked and typed once on the way in. */
export interface UpstreamModel<R> {
  readonly model: ModelId;
  readonly endpoint: string;
  readonly source: string;
  readonly prices: Readonly<Record<string, AssumedPrice>>;
  assess(call: MappedCall): Assessment;
  build(call: MappedCall): R;
}

/** The files of `media` in `slot`, sorted by their index. */
function slotFiles(media: readonly ResolvedMedia[], slot: string): ResolvedMedia[] {
  return media.filter((m) => m.field === slot).sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
}

function modelMedia<M extends ModelId>(media: readonly ResolvedMedia[]): ModelMedia<M> {
  return {
    one: (slot) => media.find((m) => m.field === slot) ?? null,
    list: (slot) => slotFiles(media, slot),
    all: media,
  };
}

/** The typed request of model `M` from a call (the catalog's defaults filling fields an older input lacks). */
export function modelRequest<M extends ModelId>(model: M, call: MappedCall): ModelRequest<M> {
  return {
    values: preparedValues(model, call.input) as ScalarValues<M>,
    media: modelMedia<M>(call.media),
    mode: call.mode,
  };
}

/** Declares how model `M` is sent to an upstream; the adapter looks it up by model id in its registry. */
export function upstreamModel<M extends ModelId, R>(spec: UpstreamModelSpec<M, R>): UpstreamModel<R> {
  return {
    model: spec.model,
    endpoint: spec.endpoint,
    source: spec.source,
    prices: spec.prices ?? {},
    assess: (call) => spec.assess(modelRequest(spec.model, call)),
    build: (call) => spec.build(modelRequest(spec.model, call)),
  };
}

/** A registry of one upstream: model id → its mapping there. */
export type UpstreamModels<R> = Readonly<Partial<Record<ModelId, UpstreamModel<R>>>>;

/** The mapping of `model` in `models`, or null when the upstream does not run it here. */
export function mappingOf<R>(models: UpstreamModels<R>, model: string): UpstreamModel<R> | null {
  return Object.hasOwn(models, model) ? (models[model as ModelId] ?? null) : null;
}

/** The assessment of a model an upstream does not run here: routing skips it. */
export function notHosted(upstream: string, model: string): Assessment {
  return {
    problems: [{ code: 'model_not_hosted', message: `${upstream} has no ${model} here.` }],
    warnings: [],
  };
}
