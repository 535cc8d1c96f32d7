import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssetRecord } from '../assets/asset-record.ts';
import type { AssetsService } from '../assets/assets-service.ts';
import { presentFacts } from '../assets/media-facts.ts';
import { StorageKeyMissing } from '../assets/storage.ts';
import { backoffMs } from '../backoff.ts';
import { chargeMilli } from '../billing/charge.ts';
import type { Database } from '../db/database.ts';
import { type GenerationOutput, type GenerationRecord, ownerOf } from '../generations/generation-record.ts';
import type { ProviderOutput, ResolvedMedia } from '../providers/provider.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { findAssets } from '../store/assets.ts';
import {
  clearOperationForRetry,
  recordFailed,
  recordSucceeded,
  setProgress,
} from '../store/generation-progress.ts';
import { loadGeneration } from '../store/generations.ts';
import { deleteJob, rescheduleJob } from '../store/jobs.ts';
import { setAttemptOutcome } from '../store/provider-attempts.ts';
import { checkStatus, onProviderError, startOnRoute, type UpstreamDeps } from './route-generation.ts';
import { downloadOutput } from './store-outputs.ts';

export interface DriveDeps {
  db: Database;
  assets: AssetsService;
  providers: ProviderRegistry;
  /** Folder whose files a provider may hand back as `file://` outputs (the local renderer's). */
  trustedOutputDir: string;
  workerId: string;
  maxStartAttempts: number;
  /** Upstream routing, input URLs, callbacks and output downloads (route-generation.ts). */
  upstream: UpstreamDeps;
  /** Faults injected by tests (`REELAY_TEST_FAULTS`); empty in production. */
  faults?: ReadonlySet<string>;
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
  if (!g || g.status === 'succeeded' || g.status === 'failed' || g.status === 'canceled') {
    // Canceled, or failed past its deadline: upstream work still going is told to stop.
    const stopUpstream = g?.status === 'canceled' || g?.error?.code === 'deadline_exceeded';
    if (g && stopUpstream && g.operation !== null) await cancelUpstream(deps, g, signal);
    await deleteJob(deps.db, generationId);
    return null;
  }
  const provider = deps.providers.get(g.provider ?? 'local');
  /** The attempt the upstream reported done, until that is recorded. */
  let succeededSeq: number | null = null;
  try {
    if (g.operation === null) {
      // startOnRoute hands the job back itself on every path that does not go on to a status check.
      return await startGeneration(deps, g, signal);
    }
    const status = await checkStatus(deps, g, provider, signal);
    if (status.state === 'pending') {
      if (status.progress !== undefined) {
        await setProgress(deps.db, g.id, status.progress);
      }
      await rescheduleJob(deps.db, g.id, deps.workerId, deps.providers.pollIntervalMs(provider.id));
    } else if (status.state === 'succeeded') {
      succeededSeq = g.providerAttempts.length;
      await succeed(deps, g, succeededSeq, status.outputs, signal);
      succeededSeq = null;
    } else {
      throw new StepFailure(status.error.code, status.error.message, status.error.retryable);
    }
  } catch (error) {
    if (succeededSeq !== null && succeededSeq > 0) {
      // The upstream did its part even though storing the result did not go through.
      await setAttemptOutcome(deps.db, g.id, succeededSeq, { outcome: 'succeeded' });
    }
    if (signal.aborted) throw error;
    const routed = await onProviderError(deps, g, error);
    if (routed === 'handled') return null;
    const failure = routed
      ? new StepFailure(routed.code, routed.message, false)
      : error instanceof StepFailure
        ? error
        : new StepFailure('provider_error', (error as Error).message, true);
    if (failure.retryable && g.attempts < deps.maxStartAttempts) {
      await clearOperationForRetry(deps.db, g.id, {
        code: 'retried',
        message: `attempt ${g.attempts} failed: ${failure.message}`,
      });
      await rescheduleJob(deps.db, g.id, deps.workerId, backoffMs(g.attempts, STEP_BACKOFF));
      return null;
    }
    await fail(deps, g, failure.code, failure.message);
  }
  return null;
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

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

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
  const assets: Omit<AssetRecord, 'createdAt'>[] = [];
  const renderDirs: string[] = [];
  try {
    for (const output of outputs) {
      if (!output.url.startsWith('file:')) {
        // An upstream's output: streamed into storage (size-capped) and probed before anything is captured.
        const file = await downloadOutput(deps.upstream, output.url, signal);
        assets.push(await deps.assets.storeOutput(ownerOf(g), file.path, file.bytes, file.sha256, g.id));
        continue;
      }
      const path = resolve(fileURLToPath(output.url));
      if (!path.startsWith(resolve(deps.trustedOutputDir) + sep)) {
        throw new StepFailure(
          'output_rejected',
          'the provider returned a file outside its work folder',
          false,
        );
      }
      const bytes = (await stat(path)).size;
      assets.push(await deps.assets.storeOutput(ownerOf(g), path, bytes, await sha256Of(path), g.id));
      renderDirs.push(dirname(path));
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
  }));
  const charge = chargeMilli(g.quote, g.holdMilli, stored[0]?.durationSeconds);
  let done: boolean;
  try {
    done = await recordSucceeded(deps.db, g, seq, stored, charge, assets);
  } catch (error) {
    await discardStored(deps, assets);
    throw error;
  }
  for (const dir of renderDirs) await rm(dir, { recursive: true, force: true });
  if (!done) {
    // Canceled or failed meanwhile: the result is discarded uncharged (the job is gone all the same).
    await discardStored(deps, assets);
    if (seq > 0) await setAttemptOutcome(deps.db, g.id, seq, { outcome: 'succeeded' });
  }
}

/** Removes stored output files that no row will name (best effort: the sweeper collects what is left). */
async function discardStored(deps: DriveDeps, assets: readonly Omit<AssetRecord, 'createdAt'>[]) {
  for (const asset of assets) await deps.assets.discardStored(asset.storageKey).catch(() => undefined);
}

async function fail(deps: DriveDeps, g: GenerationRecord, code: string, message: string): Promise<void> {
  await recordFailed(deps.db, g, { code, message });
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
