import {
  type FieldSpec,
  type Json,
  type MediaField,
  type ModelEntry,
  PriceUnavailableError,
  prepare,
  requireModel,
} from '@reelay/catalog';
import type { ResolvedMedia } from '../providers/provider.ts';
import type { UpstreamModel } from '../providers/upstream/upstream-model.ts';

/**
 * What a mapping sends, found by running it: every input the catalog accepts for the model (each choice of every
 * enum, switch and small number range, each way of filling the media slots) is prepared by the catalog, assessed
 * and built by the mapping exactly as a generation would be, and the bodies it builds are read field by field.
 * Nothing is listed by hand, so the description cannot drift from the mapping.
 */

/** JSON value types as JSON Schema names them. */
export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null';

/** A scalar value a mapping sends. */
export type SentValue = string | number | boolean;

/** One body field a mapping sends to one endpoint. */
export interface SentField {
  name: string;
  /** The JSON types of the values sent (an integer counts as `integer`). */
  types: JsonType[];
  /**
   * Every value sent, when each one comes from a finite choice (a catalog enum, switch or number range, or a
   * constant of the mapping); null when the field carries the caller's text or media (or a list or object).
   */
  values: SentValue[] | null;
  /** Whether every request to the endpoint carries it. */
  always: boolean;
}

/** What one upstream endpoint is sent, over every input that goes there. */
export interface SentEndpoint {
  endpoint: string;
  fields: SentField[];
  /** How many of the probe's inputs went there. */
  requests: number;
}

/** The endpoint and body of a mapping's request, as an upstream's request shape holds them. */
export type RequestBody = (
  mapping: UpstreamModel<unknown>,
  request: unknown,
) => {
  endpoint: string;
  body: Readonly<Record<string, Json>>;
};

/** Free text as the probe writes it: a value carrying it came from the caller, not from a finite choice. */
export const PROBE_TEXT = 'reelay probe text';
const PROBE_URL = 'https://probe.invalid/';

/** Most inputs tried for one model; beyond it number ranges are tried at their ends and default only. */
const MAX_INPUTS = 40_000;
/** Number ranges with at most this many steps are tried at every step. */
const MAX_STEPS = 16;

function numberChoices(f: Extract<FieldSpec, { kind: 'number' }>, every: boolean): number[] {
  const steps = Math.floor((f.max - f.min) / f.step);
  if (every && steps <= MAX_STEPS) {
    return Array.from({ length: steps + 1 }, (_, i) => Number((f.min + i * f.step).toFixed(6)));
  }
  return [...new Set([f.min, f.default ?? f.min, f.max])];
}

/** The values tried for a scalar field (`undefined`: left out, so the catalog's default applies). */
function scalarChoices(f: FieldSpec, every: boolean): (Json | undefined)[] {
  switch (f.kind) {
    case 'enum':
      return [...f.values];
    case 'boolean':
      return [true, false];
    case 'number':
      return numberChoices(f, every);
    case 'string':
      return [PROBE_TEXT];
    case 'media':
      return [undefined];
  }
}

/** How many files are tried in a slot: none or one, and two for a list that takes them. */
function slotCounts(f: MediaField): number[] {
  if (f.maxItems === undefined) return [0, 1];
  return [0, 1, 2].filter((n) => n <= (f.maxItems ?? 0));
}

const MEDIA_TYPES = { image: 'image/png', video: 'video/mp4', audio: 'audio/mpeg' } as const;

function probeFile(f: MediaField, index: number | null): { uri: string; media: ResolvedMedia } {
  const id = `asset_probe${f.name}${index ?? ''}`;
  return {
    uri: `asset://${id}`,
    media: {
      field: f.name,
      index,
      kind: f.media,
      assetId: id,
      mediaType: MEDIA_TYPES[f.media],
      path: '/nonexistent',
      bytes: 1024,
      url: `${PROBE_URL}${f.name}/${index ?? 0}`,
    },
  };
}

interface ProbeInput {
  input: Record<string, Json>;
  media: ResolvedMedia[];
}

/** One dimension of the probe: the ways one field is tried, each as what it adds to an input. */
type Dimension = ProbeInput[];

function dimensionOf(f: FieldSpec, every: boolean): Dimension {
  if (f.kind !== 'media') {
    return scalarChoices(f, every).map((v) => ({ input: v === undefined ? {} : { [f.name]: v }, media: [] }));
  }
  return slotCounts(f).map((n) => {
    if (n === 0) return { input: {}, media: [] };
    if (f.maxItems === undefined) {
      const one = probeFile(f, null);
      return { input: { [f.name]: one.uri }, media: [one.media] };
    }
    const files = Array.from({ length: n }, (_, i) => probeFile(f, i));
    return { input: { [f.name]: files.map((x) => x.uri) }, media: files.map((x) => x.media) };
  });
}

/** Every input of `model` the probe tries: the product of every field's choices. */
export function probeInputs(model: ModelEntry): ProbeInput[] {
  let dimensions = model.fields.map((f) => dimensionOf(f, true));
  const size = (ds: Dimension[]) => ds.reduce((n, d) => n * d.length, 1);
  if (size(dimensions) > MAX_INPUTS) dimensions = model.fields.map((f) => dimensionOf(f, false));
  if (size(dimensions) > MAX_INPUTS) {
    throw new Error(`${model.id} has ${size(dimensions)} probe inputs, more than ${MAX_INPUTS}`);
  }
  let out: ProbeInput[] = [{ input: {}, media: [] }];
  for (const dimension of dimensions) {
    out = out.flatMap((partial) =>
      dimension.map((choice) => ({
        input: { ...partial.input, ...choice.input },
        media: [...partial.media, ...choice.media],
      })),
    );
  }
  return out;
}

function typeOf(value: Json): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as 'string' | 'boolean' | 'object';
}

/** Whether a value carries the caller's text or a media URL (then its field has no finite set of values). */
const isOpen = (value: Json): boolean =>
  typeof value === 'string'
    ? value.includes(PROBE_TEXT) || value.startsWith(PROBE_URL)
    : typeof value === 'object' && value !== null;

const byValue = (a: SentValue, b: SentValue) => String(a).localeCompare(String(b), 'en', { numeric: true });

interface Gathered {
  requests: number;
  fields: Map<string, { types: Set<JsonType>; values: Set<SentValue> | null; count: number }>;
}

/**
 * What `mapping` sends to each endpoint, over every input the catalog accepts and the mapping takes (inputs the
 * mapping refuses, with problems, are never sent and so not counted), endpoints and fields in name order.
 */
export function sentFields(mapping: UpstreamModel<unknown>, requestBody: RequestBody): SentEndpoint[] {
  const model = requireModel(mapping.model);
  const gathered = new Map<string, Gathered>();
  for (const probe of probeInputs(model)) {
    let prepared: ReturnType<typeof prepare>;
    try {
      prepared = prepare(model, probe.input);
    } catch (error) {
      if (error instanceof PriceUnavailableError) continue;
      throw error;
    }
    if (!prepared.ok) continue;
    const call = {
      model: model.id,
      mode: prepared.value.mode,
      input: prepared.value.input,
      media: probe.media,
    };
    if (mapping.assess(call).problems.length > 0) continue;
    const { endpoint, body } = requestBody(mapping, mapping.build(call));
    const at = gathered.get(endpoint) ?? { requests: 0, fields: new Map() };
    gathered.set(endpoint, at);
    at.requests += 1;
    for (const [name, value] of Object.entries(body)) {
      const field = at.fields.get(name) ?? { types: new Set(), values: new Set(), count: 0 };
      at.fields.set(name, field);
      field.count += 1;
      field.types.add(typeOf(value));
      if (isOpen(value) || Array.isArray(value)) field.values = null;
      else if (field.values && value !== null) field.values.add(value as SentValue);
    }
  }
  return [...gathered.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([endpoint, at]) => ({
      endpoint,
      requests: at.requests,
      fields: [...at.fields.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, f]) => ({
          name,
          types: [...f.types].sort(),
          values: f.values ? [...f.values].sort(byValue) : null,
          always: f.count === at.requests,
        })),
    }));
}
