import { createHash } from 'node:crypto';
import type { NormalisedInput, PriceOverrides } from '@reelay/catalog';
import type { AssetRecord } from '../assets/asset-repository.ts';
import type { AssetsService } from '../assets/assets-service.ts';
import type { Principal } from '../billing/api-keys.ts';
import {
  createLimitsSql,
  type LimitDefaults,
  type LimitsVerdict,
  lockAccountSql,
  throwIfRefused,
} from '../billing/limits.ts';
import { canonicalJson } from '../canonical-json.ts';
import { type Database, isUniqueViolation, sqlLiteral } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { CheckedRequest } from './check-route.ts';
import { type GenerationMediaRef, type GenerationRecord, generationFromRow } from './generation-record.ts';
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
  /**
   * Refuses (throws) a request no enabled route can run with this configuration, before any token is held
   * (check-route.ts); unset: every request is taken.
   */
  checkRoute?(principal: Principal, request: CheckedRequest): Promise<void>;
  /** Wakes the workers once a job has been committed (see {@link jobWakeUp}). */
  wakeWorkers(): Promise<void>;
  /** Told when an input stored for a refused create could not be removed, or the workers could not be woken. */
  log?: { warn(details: object, message: string): void };
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
  const rows = await db.query(
    expire
      ? `WITH expired AS (
           UPDATE generations SET idempotency_key = NULL
           WHERE account_id = $1 AND idempotency_key = $2 AND created_at < now() - interval '24 hours'
           RETURNING id
         )
         SELECT * FROM generations
         WHERE account_id = $1 AND idempotency_key = $2 AND id NOT IN (SELECT id FROM expired)`
      : 'SELECT * FROM generations WHERE account_id = $1 AND idempotency_key = $2',
    [principal.accountId, key],
  );
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
    const existing = await existingFor(deps.db, principal, idempotencyKey, hash, true);
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
    const { input, mediaRefs } = await resolveInputMedia(
      deps.db,
      deps.assets,
      principal.accountId,
      prepared.input,
      prepared.media,
      stored,
    );
    await deps.checkRoute?.(principal, { ...prepared, input, mediaRefs });
    const result = await insertGeneration(
      deps,
      principal,
      prepared,
      { input, mediaRefs },
      webhookUrl,
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
 * The transaction of {@link createGeneration}, sent as one script (one round trip, so the account's lock is
 * held only while the database runs it): the account row is locked; then one statement checks the limits, holds
 * the tokens (the balance check and the update are one UPDATE, so concurrent holds never take a balance below
 * zero), and — only when both pass — inserts the generation, its hold's ledger entry and its job. A refusal writes
 * nothing and commits. The workers are woken after the commit.
 */
async function insertGeneration(
  deps: CreateDeps,
  principal: Principal,
  prepared: ReturnType<typeof parseGenerationRequest>,
  resolved: { input: NormalisedInput; mediaRefs: readonly GenerationMediaRef[] },
  webhookUrl: string | null,
  idempotencyKey: string | null,
  hash: string,
): Promise<{ generation: GenerationRecord; created: boolean }> {
  const id = sqlLiteral(newId('gen'));
  const account = sqlLiteral(principal.accountId);
  const mode = sqlLiteral(principal.mode);
  const key = sqlLiteral(principal.keyId);
  const quoteMilli = prepared.quote.milliTokens;
  const amount = sqlLiteral(quoteMilli);
  const provider = deps.providerFor(principal, prepared.model);
  const values = [
    id,
    account,
    key,
    mode,
    sqlLiteral(prepared.type),
    sqlLiteral(prepared.model),
    sqlLiteral(prepared.mode),
    sqlLiteral(prepared.variant),
    "'queued'",
    `${sqlLiteral(JSON.stringify(resolved.input))}::jsonb`,
    `${sqlLiteral(JSON.stringify(resolved.mediaRefs))}::jsonb`,
    `${sqlLiteral(JSON.stringify(prepared.quote))}::jsonb`,
    `${amount}::bigint`,
    sqlLiteral(provider),
    sqlLiteral(idempotencyKey),
    sqlLiteral(hash),
    sqlLiteral(webhookUrl),
  ];
  const script = `${lockAccountSql(principal)};
WITH lim AS (${createLimitsSql(principal, quoteMilli, deps.limits)}),
held AS (
  UPDATE token_balances SET held_milli = held_milli + ${amount}
  WHERE account_id = ${account} AND mode = ${mode} AND balance_milli - held_milli >= ${amount}
    AND (SELECT refused FROM lim) IS NULL
  RETURNING 1
),
gen AS (
  INSERT INTO generations (id, account_id, key_id, run_mode, type, model, mode, variant, status, input,
    media_refs, quote, hold_milli, provider, idempotency_key, request_hash, webhook_url)
  SELECT ${values.join(', ')} FROM held
  RETURNING *
),
entry AS (
  INSERT INTO ledger_entries (account_id, mode, kind, amount_milli, generation_id, note, key_id)
  SELECT ${account}, ${mode}, 'hold', ${amount}, gen.id, '', ${key} FROM gen
),
job AS (INSERT INTO jobs (generation_id) SELECT gen.id FROM gen)
SELECT lim.refused, lim.max_active, lim.budget_day, lim.budget_month, lim.spent_day, lim.spent_month,
  b.balance_milli AS available_balance_milli, b.held_milli AS available_held_milli, gen.*
FROM lim LEFT JOIN gen ON true LEFT JOIN token_balances b ON b.account_id = ${account} AND b.mode = ${mode}`;
  let row: Record<string, unknown>;
  try {
    row = (await deps.db.script(script))[1]?.[0] as Record<string, unknown>;
  } catch (error) {
    if (idempotencyKey !== null && isUniqueViolation(error)) {
      const existing = await existingFor(deps.db, principal, idempotencyKey, hash);
      if (existing) return { generation: existing, created: false };
    }
    throw error;
  }
  throwIfRefused(row as unknown as LimitsVerdict, quoteMilli);
  if (row.id === null || row.id === undefined) {
    const balance = Number(row.available_balance_milli ?? 0);
    const held = Number(row.available_held_milli ?? 0);
    throw new ApiError(
      'insufficient_tokens',
      402,
      `This generation costs ${prepared.quote.tokens} tokens but only ${(balance - held) / 1000} ${principal.mode} tokens are available.`,
    );
  }
  // After the commit, not in the transaction (see jobWakeUp); a wake-up that fails leaves the job to the polling.
  await deps.wakeWorkers().catch((error: unknown) => {
    deps.log?.warn({ err: error, generationId: row.id }, 'could not wake the workers for a new job');
  });
  return { generation: generationFromRow(row), created: true };
}
