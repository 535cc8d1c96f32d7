import { findModel, type Json, type NormalisedInput, type Quote } from '@reelay/catalog';
import type { Generation, Quote as WireQuote } from '@reelay/contract';
import { presentFacts } from '../assets/media-facts.ts';
import type { GenerationRecord } from './generation-record.ts';
import { attemptsJson } from './provider-attempts.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The input in the model's field order (the database keeps JSON keys in its own order). */
function ordered(model: string, input: NormalisedInput): NormalisedInput {
  const fields = findModel(model)?.fields.map((f) => f.name) ?? [];
  const out: Record<string, Json> = {};
  for (const name of [...fields, ...Object.keys(input)]) {
    const value = input[name];
    if (value !== undefined && !(name in out)) out[name] = value;
  }
  return out;
}

/** The quote as clients see it: decimal tokens, never the internal thousandths. */
const quoteJson = (q: Quote): WireQuote => ({
  tokens: q.tokens,
  ...(q.tokensPerSecond !== undefined ? { tokensPerSecond: q.tokensPerSecond } : {}),
  ...(q.seconds !== undefined ? { seconds: q.seconds } : {}),
});

/**
 * The public JSON of a generation (API contract v1). `contentUrl` gives each output's `url` (expiring signed
 * links, so players and browsers can fetch them without the API key); without it the keyed content route.
 */
export function generationJson(
  g: GenerationRecord,
  publicUrl: string,
  contentUrl?: (assetId: string) => string,
  /** The server's retention setting in seconds (0: kept until deleted), for a generation that chose none. */
  serverRetentionSeconds = 0,
  /** Gives each output that has a thumbnail its `thumbnailUrl` (while its media is kept); without it none. */
  thumbnailUrl?: (assetId: string) => string,
): Generation {
  const retention = g.retentionSeconds ?? serverRetentionSeconds;
  const expiresAt =
    g.completedAt !== null && retention > 0 ? new Date(g.completedAt.getTime() + retention * 1000) : null;
  return {
    id: g.id,
    type: g.type,
    model: g.model,
    mode: g.mode,
    variant: g.variant,
    status: g.status,
    environment: g.runMode,
    provider: g.provider,
    providerAttempts: attemptsJson(g.providerAttempts),
    input: ordered(g.model, g.input),
    quote: quoteJson(g.quote),
    chargedTokens: g.chargedMilli === null ? null : g.chargedMilli / 1000,
    progress: g.progress,
    reconciling: g.reconciling,
    outputs: g.outputs.map((o) => ({
      uri: `asset://${o.assetId}`,
      url: contentUrl ? contentUrl(o.assetId) : `${publicUrl}/api/v1/assets/${o.assetId}/content`,
      status: g.mediaDeletedReason ?? 'available',
      mediaType: o.mediaType,
      bytes: o.bytes,
      ...presentFacts(o),
      ...(o.thumbnail && thumbnailUrl && g.mediaDeletedReason === null
        ? { thumbnailUrl: thumbnailUrl(o.assetId) }
        : {}),
      ...(o.provenance !== undefined ? { provenance: o.provenance } : {}),
    })),
    error: g.error,
    warnings: g.warnings,
    webhookUrl: g.webhookUrl,
    createdAt: g.createdAt.toISOString(),
    startedAt: iso(g.startedAt),
    completedAt: iso(g.completedAt),
    retentionSeconds: g.retentionSeconds,
    expiresAt: iso(expiresAt),
    mediaDeletedAt: iso(g.mediaDeletedAt),
  };
}
