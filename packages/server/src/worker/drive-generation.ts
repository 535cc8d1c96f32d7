import { rm, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NewAsset } from '../assets/asset-record.ts';
import type { AssetsService, OutputProvenance } from '../assets/assets-service.ts';
import { presentFacts } from '../assets/media-facts.ts';
import { StorageKeyMissing } from '../assets/storage.ts';
import { backoffMs } from '../backoff.ts';
import { chargeMilli } from '../billing/charge.ts';
import { ApiError } from '../errors.ts';
import { fileSha256 } from '../file-sha256.ts';
import { type GenerationOutput, type GenerationRecord, ownerOf } from '../generations/generation-record.ts';
import type { Metrics } from '../observability/metrics.ts';
import { NO_TRACING, type Tracing } from '../observability/tracing.ts';
import type { Provider, ProviderOutput, ResolvedMedia } from '../providers/provider.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import {
  DEFAULT_RETRY_LIMITS,
  decide,
  backoffMs as upstreamBackoffMs,
} from '../providers/upstream/retry-policy.ts';
import { UpstreamError } from '../providers/upstream/upstream-error.ts';
import { accountProvenance } from '../store/accounts.ts';
import { findAssets } from '../store/assets.ts';
import {
  clearOperationForRetry,
  countOutputRefresh,
  countProviderRetry,
  DEADLINE_STOP_NOTE,
  markStopSent,
  recordCanceledCharged,
  recordFailed,
  recordSucceeded,
  releaseCanceled,
  setProgress,
} from '../store/generation-progress.ts';
import { loadGeneration } from '../store/generations.ts';
import { deleteJob } from '../store/jobs.ts';
import { setAttemptOutcome } from '../store/provider-attempts.ts';
import { type HandBackDeps, handBack } from './hand-back.ts';
import {
  adoptFound,
  checkStatus,
  onProviderError,
  RouteFailure,
  startOnRoute,
  type UpstreamDeps,
} from './route-generation.ts';
import { downloadOutput } from './store-outputs.ts';

export interface DriveDeps extends HandBackDeps {
  assets: AssetsService;
  providers: ProviderRegistry;
  /** Folder whose files a provider may hand back as `file://` outputs (the local renderer's). */
  trustedOutputDir: string;
  maxStartAttempts: number;
  /** How long an upstream whose outcome is unknown is asked before the generation fails `upstream_outcome_unknown`. */
  reconcileGiveUpMs: number;
  /** Where giving up on an unknown outcome is recorded for the operator. */
  log?: { error(obj: unknown, msg: string): void };
  /** Upstream routing, input URLs, callbacks and output downloads (route-generation.ts). */
  upstream: UpstreamDeps;
  /** Faults injected by tests (`REELAY_TEST_FAULTS`); empty in production. */
  faults?: ReadonlySet<string>;
  /** Where ended generations and captured tokens are counted (none when unset). */
  metrics?: Metrics;
  /** Spans of the steps' parts (storing outputs); none when unset. */
  tracing?: Tracing;
  /**
   * Whether the operator allows outputs without a C2PA manifest (REELAY_C2PA_ALLOW_OPT_OUT): a request's or an
   * account's opt-out is heeded only while it does.
   */
  allowProvenanceOptOut?: boolean;
}

/** A failure the client should see; `retryable` ones are tried again. */
class StepFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** A step that failed is tried again after this wait: from half a second, doubling, at most 30 s. */
const STEP_BACKOFF = { baseMs: 500, maxMs: 30_000 };

/**
 * Advances one claimed generation by one step — start it, or check on it and finish it — then hands the
 * job back or deletes it. Every step is safe to repeat: a worker that dies mid-step loses nothing.
 * Returns the generation as stored when the job is still this worker's and the next step is due at once
 * (a start the upstream took: its status is checked next); null when the job was handed back or deleted.
 * `loaded` is the generation when the caller already has it as stored (else it is read).
 */
export async function driveGeneration(
  deps: DriveDeps,
  generationId: string,
  signal: AbortSignal,
  loaded?: GenerationRecord,
): Promise<GenerationRecord | null> {
  const g = loaded ?? (await loadGeneration(deps.db, generationId));
  // A canceled generation whose upstream may still be working is settled from the upstream's answer, like a
  // running one past its deadline: it goes on below until then.
  const settling = g?.status === 'canceled' && g.stopRequested === 'cancel' && g.reconciling !== null;
  if (!g || g.status === 'succeeded' || g.status === 'failed' || (g.status === 'canceled' && !settling)) {
    // Canceled, or failed past its deadline: upstream work still going is told to stop.
    const stopUpstream =
      g?.status === 'canceled' || (g?.error?.code === 'deadline_exceeded' && g.stopSentAt === null);
    if (g && stopUpstream && g.operation !== null) await cancelUpstream(deps, g, signal);
    await deleteJob(deps.db, generationId);
    return null;
  }
  const provider = deps.providers.get(g.provider ?? 'local');
  /** The attempt the upstream reported done, until that is recorded. */
  let succeededSeq: number | null = null;
  try {
    if (g.reconciling !== null && Date.now() - Date.parse(g.reconciling.since) > deps.reconcileGiveUpMs) {
      await giveUp(deps, g);
      return null;
    }
    if (g.operation === null) {
      if (g.stopRequested !== null) return await stopBeforeOperation(deps, g, provider, signal);
      // startOnRoute hands the job back itself on every path that does not go on to a status check.
      return await startGeneration(deps, g, signal);
    }
    if (g.stopRequested !== null && g.stopSentAt === null) await sendStop(deps, g, provider, signal);
    const status = await checkStatus(deps, g, provider, signal);
    if (status.state === 'pending') {
      // Written only when it moved: a render checked again and again at the same point costs no write.
      if (status.progress !== undefined && status.progress !== g.progress) {
        await setProgress(deps.db, g.id, status.progress);
      }
      const wait = status.askAgainMs ?? deps.providers.pollIntervalMs(provider.id);
      await handBack(deps, g.id, wait);
    } else if (status.state === 'succeeded') {
      succeededSeq = g.providerAttempts.length;
      await succeed(deps, g, succeededSeq, status.outputs, signal);
      succeededSeq = null;
    } else if (g.stopRequested !== null) {
      // Stopped (or failed) upstream after the deadline: nothing is charged.
      await fail(deps, g, 'deadline_exceeded', stoppedMessage(g, status.error.message));
    } else {
      throw new StepFailure(status.error.code, status.error.message, status.error.retryable);
    }
  } catch (error) {
    if (succeededSeq !== null && succeededSeq > 0) {
      // The upstream did its part even though storing the result did not go through.
      await setAttemptOutcome(deps.db, g.id, succeededSeq, { outcome: 'succeeded' });
    }
    if (signal.aborted) throw error;
    if (succeededSeq !== null && (await outputNotStored(deps, g, succeededSeq, error))) return null;
    const routed = await onProviderError(deps, g, error);
    if (routed === 'handled') return null;
    const failure = routed
      ? new StepFailure(routed.code, routed.message, false)
      : error instanceof StepFailure
        ? error
        : new StepFailure('provider_error', (error as Error).message, true);
    if (failure.retryable && g.attempts < deps.maxStartAttempts && g.stopRequested === null) {
      await clearOperationForRetry(deps.db, g.id, {
        code: 'retried',
        message: `attempt ${g.attempts} failed: ${failure.message}`,
      });
      await handBack(deps, g.id, backoffMs(g.attempts, STEP_BACKOFF));
      return null;
    }
    await fail(deps, g, failure.code, failure.message);
  }
  return null;
}

/** Times an expired output URL is asked of the upstream again before the output counts as lost. */
const OUTPUT_REFRESHES = 1;

/**
 * After the upstream reported success, storing its output failed. The work is never started again: an expired
 * URL is asked of the upstream once more (a re-query gives a fresh one where the upstream can), a transient
 * error is retried with the same operation; when neither helps, the generation fails `output_lost`, its tokens
 * are released and its attempt says so. False when the error is left to the usual handling.
 */
async function outputNotStored(
  deps: DriveDeps,
  g: GenerationRecord,
  seq: number,
  error: unknown,
): Promise<boolean> {
  if (error instanceof RouteFailure || error instanceof StepFailure) return false;
  // The local renderer's work costs nothing: it is simply made again.
  if (g.provider === 'local' && !(error instanceof UpstreamError)) return false;
  if (error instanceof ApiError) {
    // The bytes themselves were refused (not media, or not media of a kind kept): asking again changes nothing.
    const rejected = {
      code: 'output_rejected',
      message: `the provider's output was refused: ${error.message}`,
    };
    if (seq > 0) await setAttemptOutcome(deps.db, g.id, seq, { outcome: 'succeeded', error: rejected });
    await fail(deps, g, rejected.code, rejected.message);
    return true;
  }
  const expired = error instanceof UpstreamError && error.kind === 'expired';
  if (expired && g.outputRefreshes < OUTPUT_REFRESHES) {
    await countOutputRefresh(deps.db, g.id);
    await handBack(deps, g.id, 0);
    return true;
  }
  const limits = deps.upstream.retryLimits ?? DEFAULT_RETRY_LIMITS;
  if (!expired && g.providerRetries < limits.maxTransientRetries) {
    await countProviderRetry(deps.db, g.id);
    await handBack(deps, g.id, upstreamBackoffMs(g.providerRetries, limits));
    return true;
  }
  const lost = {
    code: 'output_lost',
    message: `${g.provider ?? 'the provider'} finished, but its output could not be stored: ${(error as Error).message}`,
  };
  if (seq > 0) await setAttemptOutcome(deps.db, g.id, seq, { outcome: 'succeeded', error: lost });
  await fail(deps, g, lost.code, lost.message);
  return true;
}

/** Why a generation stopped upstream past its deadline failed. */
function stoppedMessage(g: GenerationRecord, upstreamSaid: string): string {
  const told = g.warnings.find((w) => w.code === 'deadline_exceeded')?.message ?? 'The deadline passed.';
  return `${told.replace(` ${DEADLINE_STOP_NOTE}`, '')} The upstream stopped it: ${upstreamSaid}`;
}

/** Sends the upstream's cancel for a stop, once; a refusal (already finished, unknown) leaves it to the status. */
async function sendStop(
  deps: DriveDeps,
  g: GenerationRecord,
  provider: Provider,
  signal: AbortSignal,
): Promise<void> {
  if (provider.cancel && g.operation !== null) {
    try {
      await provider.cancel({ operation: g.operation, signal });
    } catch (error) {
      // No answer: asked again on the next step. An answer refusing it: the status says what became of the work.
      if (!(error instanceof UpstreamError) || decide(error, 'status', 0).action === 'retry') throw error;
    }
  }
  await markStopSent(deps.db, g.id);
}

/**
 * A generation to be stopped whose start answer is not stored: where the upstream can be asked, the work it has
 * is adopted (then stopped and settled like any other); when it has none, or cannot be asked, it fails uncharged.
 */
async function stopBeforeOperation(
  deps: DriveDeps,
  g: GenerationRecord,
  provider: Provider,
  signal: AbortSignal,
): Promise<null> {
  const last = g.providerAttempts.at(-1);
  const upstream = last ? deps.providers.get(last.provider) : provider;
  if (last && (last.outcome === 'requested' || last.outcome === 'unknown') && upstream.findStarted) {
    const found = await upstream.findStarted({ generationId: g.id, signal });
    if (found !== null) {
      await adoptFound(deps.db, g.id, last.seq, found);
      await handBack(deps, g.id, 0);
      return null;
    }
  }
  await fail(deps, g, 'deadline_exceeded', stoppedMessage(g, 'it has no work for this generation'));
  return null;
}

/**
 * The upstream gave no outcome within the reconcile window: the generation fails `upstream_outcome_unknown`, its
 * tokens are released, its last attempt records it, and the operator's log says which upstream work to check.
 */
async function giveUp(deps: DriveDeps, g: GenerationRecord): Promise<void> {
  const since = g.reconciling?.since ?? '';
  const hours = Math.round(deps.reconcileGiveUpMs / 360_000) / 10;
  const error = {
    code: 'upstream_outcome_unknown',
    message: `${g.provider ?? 'The provider'} gave no outcome for this generation since ${since} (${g.reconciling?.message ?? ''}); after ${hours} h of asking, the tokens are released.`,
  };
  const last = g.providerAttempts.at(-1);
  if (last) await setAttemptOutcome(deps.db, g.id, last.seq, { outcome: 'unknown', error });
  deps.log?.error(
    {
      generationId: g.id,
      accountId: g.accountId,
      provider: g.provider,
      upstreamId: last?.upstreamId ?? null,
      operation: g.operation,
      reconciling: g.reconciling,
    },
    'upstream outcome unknown: gave up asking; check this work at the upstream',
  );
  await fail(deps, g, error.code, error.message);
}

function startGeneration(
  deps: DriveDeps,
  g: GenerationRecord,
  signal: AbortSignal,
): Promise<GenerationRecord | null> {
  // Routing, provider slots, the attempt log and failover live in route-generation.ts. A start whose
  // answer was never stored is recovered there (looked up upstream, or refused), never blindly repeated.
  return resolveMedia(deps, g).then((media) => startOnRoute(deps, g, media, signal));
}

/**
 * The stored files behind the generation's media references (its model's media fields, recorded at create), in
 * field order. Nothing else of the input is read: a prompt that reads `asset://…` is text, not a file.
 */
async function resolveMedia(deps: DriveDeps, g: GenerationRecord): Promise<ResolvedMedia[]> {
  const refs = g.mediaRefs;
  const assets = new Map(
    (
      await findAssets(
        deps.db,
        ownerOf(g),
        refs.map((r) => r.assetId),
      )
    ).map((a) => [a.id, a]),
  );
  // A local file per input (the stored file on disk, a cached download on S3) for programs that need paths.
  const paths = await Promise.all(
    refs.map((ref) => {
      const asset = assets.get(ref.assetId);
      return asset ? deps.assets.localFile(asset.storageKey).catch(missingAsNull) : null;
    }),
  );
  return refs.map((ref, i) => {
    const asset = assets.get(ref.assetId);
    const path = paths[i] ?? null;
    if (!asset || path === null)
      throw new StepFailure('input_missing', `input asset ${ref.assetId} is no longer available`, false);
    return {
      field: ref.field,
      index: ref.index,
      kind: asset.kind,
      assetId: asset.id,
      mediaType: asset.mediaType,
      path,
      bytes: asset.bytes,
      url: null,
    };
  });
}

/** A stored file that is gone is a missing input; other storage errors are thrown (and retried). */
const missingAsNull = (error: unknown) => {
  if (error instanceof StorageKeyMissing) return null;
  throw error;
};

/**
 * Moves the outputs into storage, then inserts their asset rows, marks the generation succeeded, records attempt
 * `seq` succeeded, captures the tokens and deletes the job, once: one statement, so all of it commits or none. A
 * process that dies between the two leaves stored files no row names, which the asset sweeper collects.
 */
async function succeed(
  deps: DriveDeps,
  g: GenerationRecord,
  seq: number,
  outputs: ProviderOutput[],
  signal: AbortSignal,
): Promise<void> {
  if (outputs.length === 0)
    throw new StepFailure('no_output', 'the provider finished without an output', false);
  const assets: NewAsset[] = [];
  const renderDirs: string[] = [];
  const tracing = deps.tracing ?? NO_TRACING;
  try {
    const provenance = await provenanceOf(deps, g);
    for (const output of outputs) {
      await tracing.inSpan(
        'generation.store_output',
        { 'reelay.generation_id': g.id, 'reelay.provider': g.provider ?? 'local' },
        async (span) => {
          const stored = await storeOne(deps, g, output, renderDirs, signal, provenance);
          assets.push(stored);
          span.setAttributes({ 'reelay.asset_id': stored.id, 'reelay.bytes': stored.bytes });
        },
      );
    }
  } catch (error) {
    await discardStored(deps, assets);
    throw error;
  }
  if (deps.faults?.has('exit-after-output-stored')) process.kill(process.pid, 'SIGKILL');
  const stored: GenerationOutput[] = assets.map((asset) => ({
    assetId: asset.id,
    mediaType: asset.mediaType,
    bytes: asset.bytes,
    ...presentFacts(asset),
    ...(deps.assets.hasThumbnail(asset.kind) ? { thumbnail: true } : {}),
    ...(asset.provenance !== null ? { provenance: asset.provenance } : {}),
  }));
  const charge = chargeMilli(g.quote, g.holdMilli, stored[0]?.durationSeconds);
  let done: boolean;
  try {
    done =
      g.status === 'canceled'
        ? await recordCanceledCharged(deps.db, g, seq, stored, charge, assets, {
            code: 'canceled',
            message: `Canceled by request, but ${g.provider ?? 'the provider'} had already finished the work when the cancel reached it${deps.providers.get(g.provider ?? 'local').cancel ? '' : ' (it has no way to stop work it has started)'}, so it is charged and its outputs are kept.`,
          })
        : await recordSucceeded(deps.db, g, seq, stored, charge, assets);
  } catch (error) {
    await discardStored(deps, assets);
    throw error;
  }
  for (const dir of renderDirs) await rm(dir, { recursive: true, force: true });
  if (done) {
    // A canceled generation was counted as it was canceled; only the tokens it is charged are new here.
    if (g.status !== 'canceled') deps.metrics?.generationEnded(g.model, g.provider ?? 'local', 'succeeded');
    deps.metrics?.tokensCharged(g.runMode, charge);
  }
  if (!done) {
    // Canceled or failed meanwhile: this result is discarded, and the next step settles the generation as it now
    // is (a cancel that came too late asks the upstream again and charges what it finished).
    await discardStored(deps, assets);
    if (seq > 0) await setAttemptOutcome(deps.db, g.id, seq, { outcome: 'succeeded' });
    await handBack(deps, g.id, 0);
  }
}

/**
 * The C2PA manifest its outputs are to carry: made by its model on the provider that ran it, with its input files
 * (by the sha256 of their stored bytes) as ingredients; `disabled` when its request or its account turned provenance
 * off and the operator still allows that.
 */
async function provenanceOf(deps: DriveDeps, g: GenerationRecord): Promise<OutputProvenance> {
  if (deps.allowProvenanceOptOut && (!g.provenance || !(await accountProvenance(deps.db, g.accountId)))) {
    return 'disabled';
  }
  const ids = [...new Set(g.mediaRefs.map((ref) => ref.assetId))];
  const inputs = await findAssets(deps.db, ownerOf(g), ids);
  return {
    claim: {
      generationId: g.id,
      model: g.model,
      provider: g.provider ?? 'local',
      createdAt: g.createdAt,
      inputs: inputs.map((a) => ({ assetId: a.id, mediaType: a.mediaType, sha256: a.sha256 })),
    },
  };
}

/**
 * Moves one output into storage: an upstream's is streamed in (size-capped) and probed; the local renderer's file,
 * only from its own work folder, is moved and its folder noted for removal.
 */
async function storeOne(
  deps: DriveDeps,
  g: GenerationRecord,
  output: ProviderOutput,
  renderDirs: string[],
  signal: AbortSignal,
  provenance: OutputProvenance,
): Promise<NewAsset> {
  if (!output.url.startsWith('file:')) {
    const file = await downloadOutput(deps.upstream, output.url, signal);
    return deps.assets.storeOutput(
      ownerOf(g),
      file.path,
      file.bytes,
      file.sha256,
      g.id,
      g.retentionSeconds,
      provenance,
    );
  }
  const path = resolve(fileURLToPath(output.url));
  if (!path.startsWith(resolve(deps.trustedOutputDir) + sep)) {
    throw new StepFailure('output_rejected', 'the provider returned a file outside its work folder', false);
  }
  const bytes = (await stat(path)).size;
  const stored = await deps.assets.storeOutput(
    ownerOf(g),
    path,
    bytes,
    await fileSha256(path),
    g.id,
    g.retentionSeconds,
    provenance,
  );
  renderDirs.push(dirname(path));
  return stored;
}

/** Removes stored output files that no row will name (best effort: the sweeper collects what is left). */
async function discardStored(deps: DriveDeps, assets: readonly NewAsset[]) {
  for (const asset of assets) await deps.assets.discardStored(asset).catch(() => undefined);
}

/**
 * Fails a queued or running generation and releases its hold; a canceled one waiting on its upstream's answer
 * stays canceled, and its hold is released (a give-up says why in its message).
 */
async function fail(deps: DriveDeps, g: GenerationRecord, code: string, message: string): Promise<void> {
  if (g.status === 'canceled') {
    await releaseCanceled(deps.db, g, code === 'upstream_outcome_unknown' ? message : undefined);
    return;
  }
  if (await recordFailed(deps.db, g, { code, message }))
    deps.metrics?.generationEnded(g.model, g.provider ?? 'local', 'failed');
}

async function cancelUpstream(deps: DriveDeps, g: GenerationRecord, signal: AbortSignal): Promise<void> {
  const provider = deps.providers.get(g.provider ?? 'local');
  if (!provider.cancel || g.operation === null) return;
  try {
    await provider.cancel({ operation: g.operation, signal });
  } catch {
    // Best effort: the generation is already canceled and released; a late result is discarded.
  }
}
