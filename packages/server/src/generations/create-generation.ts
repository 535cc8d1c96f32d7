import { createHash } from 'node:crypto';
import type { NormalisedInput, PriceOverrides } from '@reelay/catalog';
import type { AssetRecord } from '../assets/asset-repository.ts';
import type { AssetsService } from '../assets/assets-service.ts';
import type { Principal } from '../billing/api-keys.ts';
import { getBalance, hold } from '../billing/ledger.ts';
import { enforceCreateLimits, type LimitDefaults } from '../billing/limits.ts';
import { canonicalJson } from '../canonical-json.ts';
import { type Database, isUniqueViolation } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { newId } from '../ids.ts';
import { type GenerationRecord, generationFromRow } from './generation-record.ts';
import { JOBS_CHANNEL } from './job-queue.ts';
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
  /** The provider a generation of this principal and model runs on. */
  providerFor(principal: Principal, model: string): string;
  /** Told when an input stored for a refused create could not be removed. */
  log?: { warn(details: object, message: string): void };
}

async function existingFor(
  db: Database,
  principal: Principal,
  key: string,
  hash: string,
): Promise<GenerationRecord | null> {
  const rows = await db.query('SELECT * FROM generations WHERE account_id = $1 AND idempotency_key = $2', [
    principal.accountId,
    key,
  ]);
  if (!rows[0]) return null;
  const existing = generationFromRow(rows[0]);
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
): Promise<{ generation: GenerationRecord; created: boolean }> {
  const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
  if (idempotencyKey !== null) {
    // Keys are remembered for 24 hours; after that the same key starts a new generation.
    await deps.db.query(
      `UPDATE generations SET idempotency_key = NULL
       WHERE account_id = $1 AND idempotency_key = $2 AND created_at < now() - interval '24 hours'`,
      [principal.accountId, idempotencyKey],
    );
    const existing = await existingFor(deps.db, principal, idempotencyKey, hash);
    if (existing) return { generation: existing, created: false };
  }
  const prepared = parseGenerationRequest(body, deps.prices, {
    allowHttpWebhooks: deps.allowHttpWebhooks,
    allowPrivateWebhooks: deps.allowPrivateWebhooks,
  });
  const webhookUrl = (body as { webhookUrl?: string }).webhookUrl ?? null;
  const stored: AssetRecord[] = [];
  let accepted = false;
  try {
    const input = await resolveInputMedia(
      deps.db,
      deps.assets,
      principal.accountId,
      prepared.input,
      prepared.media,
      stored,
    );
    const result = await insertGeneration(deps, principal, prepared, input, webhookUrl, idempotencyKey, hash);
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

/** The transaction of {@link createGeneration}: limits, the generation row, its hold and its job. */
async function insertGeneration(
  deps: CreateDeps,
  principal: Principal,
  prepared: ReturnType<typeof parseGenerationRequest>,
  input: NormalisedInput,
  webhookUrl: string | null,
  idempotencyKey: string | null,
  hash: string,
): Promise<{ generation: GenerationRecord; created: boolean }> {
  const id = newId('gen');
  const target = { accountId: principal.accountId, mode: principal.mode, keyId: principal.keyId };
  const provider = deps.providerFor(principal, prepared.model);
  try {
    const generation = await deps.db.transaction(async (tx) => {
      await enforceCreateLimits(tx, principal, prepared.quote.milliTokens, deps.limits);
      const rows = await tx.query(
        `INSERT INTO generations (id, account_id, key_id, run_mode, type, model, mode, variant, status, input, quote,
           hold_milli, provider, idempotency_key, request_hash, webhook_url)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'queued',$9,$10,$11,$12,$13,$14,$15) RETURNING *`,
        [
          id,
          principal.accountId,
          principal.keyId,
          principal.mode,
          prepared.type,
          prepared.model,
          prepared.mode,
          prepared.variant,
          JSON.stringify(input),
          JSON.stringify(prepared.quote),
          prepared.quote.milliTokens,
          provider,
          idempotencyKey,
          hash,
          webhookUrl,
        ],
      );
      if (!(await hold(tx, target, id, prepared.quote.milliTokens))) {
        const balance = await getBalance(tx, target);
        const available = (balance.balanceMilli - balance.heldMilli) / 1000;
        throw new ApiError(
          'insufficient_tokens',
          402,
          `This generation costs ${prepared.quote.tokens} tokens but only ${available} ${principal.mode} tokens are available.`,
        );
      }
      await tx.query('INSERT INTO jobs (generation_id) VALUES ($1)', [id]);
      await tx.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, id]);
      return generationFromRow(rows[0] as Record<string, unknown>);
    });
    return { generation, created: true };
  } catch (error) {
    if (idempotencyKey !== null && isUniqueViolation(error)) {
      const existing = await existingFor(deps.db, principal, idempotencyKey, hash);
      if (existing) return { generation: existing, created: false };
    }
    throw error;
  }
}
