import { createHash } from 'node:crypto';
import { findModel, inputSchema, type Json } from '@reelay/catalog';
import type { GenerationRecord } from '../../generations/generation-record.ts';
import type { PredictionRecord } from '../../store/replicate-predictions.ts';
import { aliasInputSchema, aliasNamed, REPLICATE_ALIASES, replicateNameOf } from './replicate-aliases.ts';

/** Where the Replicate shape is served. */
export const REPLICATE_PREFIX = '/replicate/v1';

/** The prefix of every Reelay model name in the Replicate shape (`reelay/<model id>`). */
export const REELAY_OWNER = 'reelay';

export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'aborted';

/** A Replicate model name the gateway serves: the Reelay model it runs and whether it is an alias. */
export function modelOfName(name: string): { model: string; alias: boolean } | null {
  const alias = aliasNamed(name);
  if (alias) return { model: alias.model, alias: true };
  if (!name.startsWith(`${REELAY_OWNER}/`)) return null;
  const model = findModel(name.slice(REELAY_OWNER.length + 1));
  return model ? { model: model.id, alias: false } : null;
}

/** The input schema of a model name: Replicate's fields for an alias, Reelay's for `reelay/<id>`. */
export function inputSchemaOf(name: string): Record<string, Json> | null {
  const alias = aliasNamed(name);
  if (alias) return aliasInputSchema(alias);
  const found = modelOfName(name);
  const model = found ? findModel(found.model) : undefined;
  return model ? { ...(inputSchema(model) as Record<string, Json>), title: 'Input' } : null;
}

/** Output schema: a list of file URLs for `reelay/<id>` and the aliases whose Replicate model answers a list. */
export function outputSchemaOf(name: string): Record<string, Json> {
  const uri = { type: 'string', format: 'uri' };
  return outputIsList(name) ? { type: 'array', items: uri, title: 'Output' } : { ...uri, title: 'Output' };
}

/** Whether the name's output is a list (Replicate's seedream, grok and gpt-image models answer lists). */
function outputIsList(name: string): boolean {
  const alias = aliasNamed(name);
  return alias ? alias.outputList === true : true;
}

const versions = new Map<string, string>();

/** The version id of a model name: a 64-hex digest of its input schema, so it changes when the schema does. */
export function versionOf(name: string): string {
  let version = versions.get(name);
  if (version === undefined) {
    version = createHash('sha256')
      .update(`${name}\n${JSON.stringify(inputSchemaOf(name))}`)
      .digest('hex');
    versions.set(name, version);
  }
  return version;
}

/** The model name a version id belongs to, among every alias and `reelay/<id>`. */
export function nameOfVersion(version: string, reelayIds: readonly string[]): string | null {
  const names = [...REPLICATE_ALIASES.map((a) => a.name), ...reelayIds.map((id) => `${REELAY_OWNER}/${id}`)];
  return names.find((n) => versionOf(n) === version) ?? null;
}

/** Replicate's status of a generation; `aborted` for one its Cancel-After deadline ended before it started. */
export function predictionStatus(g: GenerationRecord, p: PredictionRecord | null): PredictionStatus {
  switch (g.status) {
    case 'queued':
      return 'starting';
    case 'running':
      return 'processing';
    case 'canceled':
      return p?.deadlineHit === true && g.startedAt === null ? 'aborted' : 'canceled';
    default:
      return g.status;
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * A generation as Replicate's prediction object. `p` is its Replicate row (null for a generation made through
 * Reelay's own API, shown as `reelay/<model>` with Reelay's input). `output` holds expiring signed links.
 */
export function predictionJson(
  g: GenerationRecord,
  p: PredictionRecord | null,
  links: { publicUrl: string; signedUrl: (assetId: string) => string },
) {
  const name = p?.modelName ?? replicateNameOf(g.model);
  const status = predictionStatus(g, p);
  const urls = g.outputs.map((o) => links.signedUrl(o.assetId));
  const base = `${links.publicUrl}${REPLICATE_PREFIX}/predictions/${g.id}`;
  return {
    id: g.id,
    model: name,
    version: versionOf(name),
    input: p?.input ?? g.input,
    output: status !== 'succeeded' ? null : outputIsList(name) ? urls : (urls[0] ?? null),
    status,
    error: g.error && status === 'failed' ? g.error.message : null,
    logs: '',
    metrics:
      g.startedAt && g.completedAt
        ? { predict_time: (g.completedAt.getTime() - g.startedAt.getTime()) / 1000 }
        : {},
    created_at: iso(g.createdAt),
    started_at: iso(g.startedAt),
    completed_at: iso(g.completedAt),
    data_removed: false,
    source: 'api',
    urls: { get: base, cancel: `${base}/cancel` },
  };
}
