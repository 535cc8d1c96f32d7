import { createHash } from 'node:crypto';
import type { NormalisedInput, PriceOverrides } from '@reelay/catalog';
import type { AssetRecord } from '../assets/asset-record.ts';
import type { AssetsService } from '../assets/assets-service.ts';
import type { Principal } from '../billing/api-keys.ts';
import { requireModelAllowed } from '../billing/key-allowlist.ts';
import { type LimitDefaults, throwIfRefused } from '../billing/limits.ts';
import { canonicalJson } from '../canonical-json.ts';
import type { Database } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Lifecycles } from '../lifecycle/lifecycles.ts';
import { generationByIdempotencyKey, type InsertOutcome, type NewGeneration } from '../store/generations.ts';
import type { CheckedRequest } from './check-route.ts';
import type { GenerationMediaRef, GenerationRecord } from './generation-record.ts';
import { parseGenerationRequest } from './parse-request.ts';
import { resolveInputMedia } from './resolve-input-media.ts';

export interface CreateDeps {
  db: Database;
  assets: AssetsService;
  prices: PriceOverrides;
  limits: LimitDefaults;
  /** Accept http:// webhook URLs besides https://. */
  allowHttpWebhooks?: boolean;
  /** Accept webhook URLs on loopback and private addresses (development and tests). */
  allowPrivateWebhooks?: boolean;
  /** Accept `provenance: false` (outputs stored without a C2PA manifest); unset: refused. */
  allowProvenanceOptOut?: boolean;
  /**
   * The provider a generation of this principal and model is meant for: the first of its route the key allows
   * (throws a 403 when the key allows none of them).
   */
  providerFor(principal: Principal, model: string): string;
  /**
   * Refuses (throws) a request no enabled route can run with this configuration, before any token is held
   * (check-route.ts); unset: every request is taken.
   */
  checkRoute?(principal: Principal, request: CheckedRequest): Promise<void>;
  /** Refuses a retired model (410) and gives a deprecated one's warning; unset: every model is active. */
  lifecycles?: Lifecycles;
  /** Decides a create in the database (store/generations.ts `insertGeneration`, batched by create-batcher.ts). */
  decide(generation: NewGeneration): Promise<InsertOutcome>;
  /** Told when an input stored for a refused create could not be removed, or the workers could not be woken. */
  log?: { warn(details: object, message: string): void };
  /** The trace of the create running now (W3C traceparent), stored for the worker; null or unset: none. */
  traceCarrier?: () => string | null;
}

/**
 * The generation made earlier with this Idempotency-Key (409 when its body differed). With `expire`, a key older
 * than 24 hours is first taken off its generation, in the same statement, and that generation is not returned.
 */
async function existingFor(
  db: Database,
  principal: Principal,
  key: string,
  hash: string,
  expire = false,
): Promise<GenerationRecord | null> {
  const existing = await generationByIdempotencyKey(db, principal, key, expire);
  if (!existing) return null;
  if (existing.requestHash !== hash) {
    throw new ApiError(
      'idempotency_conflict',
      409,
      'This Idempotency-Key was already used with a different request body.',
    );
  }
  return existing;
}

/**
 * Validates, prices and stores a new generation: in one transaction the tokens are held, the generation
 * is inserted `queued` and its job enqueued. Returns `created: false` for a repeated Idempotency-Key.
 * Inputs fetched or decoded into new assets on the way are removed again when the create is refused (any
 * error, or a concurrent duplicate's answer replayed), before the answer goes out; an accepted create keeps them.
 */
export async function createGeneration(
  deps: CreateDeps,
  principal: Principal,
  body: unknown,
  idempotencyKey: string | null,
  /** The id the new generation gets (a compat shape records its own row under it first); a new one otherwise. */
  id: string = newId('gen'),
): Promise<{ generation: GenerationRecord; created: boolean }> {
  const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
  if (idempotencyKey !== null) {
    // Keys are remembered for 24 hours; after that the same key starts a new generation.
    const existing = await existingFor(deps.db, principal, idempotencyKey, hash, true);
    if (existing) return { generation: existing, created: false };
  }
  const prepared = parseGenerationRequest(body, deps.prices, {
    allowHttpWebhooks: deps.allowHttpWebhooks,
    allowPrivateWebhooks: deps.allowPrivateWebhooks,
    allowProvenanceOptOut: deps.allowProvenanceOptOut,
  });
  // A key's allowlists are decided before anything is stored or held, then the model's lifecycle (a retired one is
  // refused; a deprecated one gets a warning).
  requireModelAllowed(principal, prepared.model);
  const notice = deps.lifecycles?.check(prepared.model) ?? null;
  const provider = deps.providerFor(principal, prepared.model);
  const webhookUrl = (body as { webhookUrl?: string }).webhookUrl ?? null;
  // The request's retention, else its key's default; null leaves it to the server's setting.
  const retentionSeconds = prepared.retentionSeconds ?? principal.retentionSeconds ?? null;
  const stored: AssetRecord[] = [];
  let accepted = false;
  try {
    const { input, mediaRefs } = await resolveInputMedia(
      deps.db,
      deps.assets,
      principal,
      prepared.input,
      prepared.media,
      stored,
      retentionSeconds,
    );
    await deps.checkRoute?.(principal, { ...prepared, input, mediaRefs });
    const result = await insertGenerationOnce(
      deps,
      id,
      principal,
      prepared,
      { input, mediaRefs },
      provider,
      { webhookUrl, retentionSeconds, warnings: notice ? [notice.warning] : [] },
      idempotencyKey,
      hash,
    );
    accepted = result.created;
    return result;
  } finally {
    if (!accepted) await discardStored(deps, stored);
  }
}

/** Removes the inputs a refused create stored; one that cannot be removed stays (and is logged), as if kept. */
async function discardStored(deps: CreateDeps, stored: readonly AssetRecord[]): Promise<void> {
  for (const asset of stored) {
    try {
      await deps.assets.discard(asset);
    } catch (error) {
      deps.log?.warn({ err: error, assetId: asset.id }, 'could not remove an input of a refused generation');
    }
  }
}

/**
 * The transaction of {@link createGeneration} (`insertGeneration` in store/generations.ts, one round trip, or one
 * statement of a batch of them, see create-batcher.ts): limits,
 * the hold, the generation `queued`, its ledger entry and its job, or nothing. The workers are woken after the commit.
 */
async function insertGenerationOnce(
  deps: CreateDeps,
  generationId: string,
  principal: Principal,
  prepared: ReturnType<typeof parseGenerationRequest>,
  resolved: { input: NormalisedInput; mediaRefs: readonly GenerationMediaRef[] },
  provider: string,
  extra: {
    webhookUrl: string | null;
    retentionSeconds: number | null;
    warnings: readonly { code: string; message: string }[];
  },
  idempotencyKey: string | null,
  hash: string,
): Promise<{ generation: GenerationRecord; created: boolean }> {
  const quoteMilli = prepared.quote.milliTokens;
  const outcome = await deps.decide({
    id: generationId,
    principal,
    type: prepared.type,
    model: prepared.model,
    mode: prepared.mode,
    variant: prepared.variant,
    input: resolved.input,
    mediaRefs: resolved.mediaRefs,
    quote: prepared.quote,
    quoteMilli,
    provider,
    idempotencyKey,
    requestHash: hash,
    webhookUrl: extra.webhookUrl,
    retentionSeconds: extra.retentionSeconds,
    provenance: prepared.provenance,
    warnings: extra.warnings,
    traceContext: deps.traceCarrier?.() ?? null,
  });
  if (outcome.kind === 'duplicate_key') {
    const existing =
      idempotencyKey === null ? null : await existingFor(deps.db, principal, idempotencyKey, hash);
    if (existing) return { generation: existing, created: false };
    throw outcome.error;
  }
  if (outcome.kind === 'refused') throwIfRefused(outcome.verdict, quoteMilli);
  if (outcome.kind !== 'created') {
    const available = outcome.kind === 'insufficient' ? outcome.availableMilli : 0;
    throw new ApiError(
      'insufficient_tokens',
      402,
      `This generation costs ${prepared.quote.tokens} tokens but only ${available / 1000} ${principal.mode} tokens are available.`,
    );
  }
  const { generation } = outcome;
  return { generation, created: true };
}
