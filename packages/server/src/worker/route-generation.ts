import type { Json } from '@reelay/catalog';
import { outsideAllowlist } from '../billing/key-allowlist.ts';
import type { Database } from '../db/database.ts';
import type { GenerationRecord } from '../generations/generation-record.ts';
import type { InputDelivery } from '../providers/input-delivery.ts';
import type { Provider, ProviderStatus, ResolvedMedia, Warning } from '../providers/provider.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { decideRoute } from '../providers/route-decision.ts';
import {
  backoffMs,
  DEFAULT_RETRY_LIMITS,
  decide,
  type RetryLimits,
} from '../providers/upstream/retry-policy.ts';
import { failureCodeOf, UpstreamError } from '../providers/upstream/upstream-error.ts';
import {
  countProviderRetry,
  markReconciling,
  recordStartRequested,
  resetProviderRetries,
  storeFoundOperation,
  storeStarted,
} from '../store/generation-progress.ts';
import { type AttemptPatch, setAttemptOutcome } from '../store/provider-attempts.ts';
import { acquireSlot, releaseSlot } from '../store/provider-slots.ts';
import { type HandBackDeps, handBack } from './hand-back.ts';
import { RouteFailure } from './route-failure.ts';
import type { DownloadDeps } from './store-outputs.ts';
import { InputUndeliverable } from './upstream-inputs.ts';

export { RouteFailure } from './route-failure.ts';

/** What the worker needs to run generations on upstreams. */
export interface UpstreamDeps extends DownloadDeps {
  /** How input files reach upstreams (worker/upstream-inputs.ts). */
  inputs: {
    readonly delivery: InputDelivery;
    /** What to send `provider` for the file: a signed link, the URL of an upload, or the file inline. */
    deliver(provider: Provider, media: ResolvedMedia, signal: AbortSignal): Promise<string>;
  };
  /** Where `provider` should send its callbacks, when the gateway is reachable from outside. */
  callbackUrl(provider: string): string | undefined;
  /** How long a generation waiting for a provider slot stays queued before it looks again. */
  capacityWaitMs: number;
  retryLimits?: RetryLimits;
}

interface RouteDeps extends HandBackDeps {
  providers: ProviderRegistry;
  upstream: UpstreamDeps;
  /** Faults injected by tests (`REELAY_TEST_FAULTS`); empty in production. */
  faults?: ReadonlySet<string>;
}

const NO_UPSTREAM: Warning = {
  code: 'no_upstream',
  message:
    'No upstream provider is configured for this model on this gateway, so the local renderer made a stand-in.',
};

/** Attempts whose provider must not be tried again for this generation. */
/** What a provider is told of a generation, to assess it or to start it. */
const callOf = (g: GenerationRecord, media: ResolvedMedia[]) => ({
  generationId: g.id,
  model: g.model,
  type: g.type,
  mode: g.mode,
  variant: g.variant,
  input: g.input,
  media,
});

/** Providers not to start on: those that refused it, and those outside the allowlist it was created under. */
function skippedProviders(deps: RouteDeps, g: GenerationRecord): Set<string> {
  const skip = new Set(g.providerAttempts.filter((a) => a.outcome === 'rejected').map((a) => a.provider));
  for (const id of outsideAllowlist(
    deps.providers.routes.candidates(g.model, g.runMode),
    g.allowedProviders,
  )) {
    skip.add(id);
  }
  return skip;
}

/** The inputs as `provider` receives them: links signed for this attempt, uploads made or reused, inline data. */
async function delivered(
  deps: RouteDeps,
  provider: Provider,
  media: ResolvedMedia[],
  signal: AbortSignal,
): Promise<ResolvedMedia[]> {
  if (provider.id === 'local') return media;
  const out: ResolvedMedia[] = [];
  // One file after the other: an upload streams its file, and several at once would share one connection budget.
  for (const m of media) {
    try {
      out.push({ ...m, url: await deps.upstream.inputs.deliver(provider, m, signal) });
    } catch (error) {
      // Only when the configuration changed since the create decided the route: nothing to retry.
      if (error instanceof InputUndeliverable) throw new RouteFailure('unsupported_input', error.message);
      throw error;
    }
  }
  return out;
}

/**
 * The provider to start on: the first of the model's route not yet rejected for this generation that can
 * run every field and receive every file (route-decision.ts); past the first, only one whose cost stays
 * within the quote.
 */
function choose(
  deps: RouteDeps,
  g: GenerationRecord,
  media: ResolvedMedia[],
): { provider: Provider; warnings: Warning[] } {
  const decision = decideRoute(
    deps.providers,
    { ...callOf(g, media), runMode: g.runMode, quote: g.quote },
    deps.upstream.inputs.delivery,
    skippedProviders(deps, g),
  );
  if (decision.provider) {
    const warnings = [...decision.assessment.warnings];
    if (decision.provider.id === 'local' && g.runMode === 'live') warnings.push(NO_UPSTREAM);
    return { provider: decision.provider, warnings };
  }
  const reasons = decision.refusals.flatMap((r) => r.problems.map((p) => p.message));
  const lastRejected = [...g.providerAttempts].reverse().find((a) => a.outcome === 'rejected');
  if (lastRejected?.error) {
    const more = reasons.length > 0 ? `; no other provider can take it: ${reasons.join('; ')}` : '';
    throw new RouteFailure(lastRejected.error.code, `${lastRejected.error.message}${more}`);
  }
  throw new RouteFailure(
    'unsupported_input',
    `No provider of this gateway can run this request: ${reasons.join('; ') || 'none is configured'}`,
  );
}

async function deferRetry(deps: RouteDeps, g: GenerationRecord, delayMs: number): Promise<void> {
  await countProviderRetry(deps.db, g.id);
  await handBack(deps, g.id, delayMs);
}

/** Asks again after `delayMs`, the generation marked as reconciling: its upstream outcome is not known. */
async function reconcileLater(
  deps: RouteDeps,
  g: GenerationRecord,
  why: { code: string; message: string },
  delayMs: number,
): Promise<void> {
  await markReconciling(deps.db, g.id, why);
  await handBack(deps, g.id, delayMs);
}

/** Stores the operation of work found upstream for a start whose answer was lost, and its attempt as accepted. */
export async function adoptFound(
  db: Database,
  id: string,
  seq: number,
  found: { operation: Json; upstreamId: string },
): Promise<void> {
  await storeFoundOperation(db, id, found.operation);
  await setAttemptOutcome(db, id, seq, { outcome: 'accepted', upstreamId: found.upstreamId });
}

/**
 * After a start whose outcome is unknown: adopts the work the upstream already has, or frees the way
 * for a new start when it has none, or fails when there is no way to know (never start twice).
 * Returns true when this step is done.
 */
async function recoverLostStart(
  deps: RouteDeps,
  g: GenerationRecord,
  seq: number,
  providerId: string,
  signal: AbortSignal,
): Promise<boolean> {
  const provider = deps.providers.get(providerId);
  if (provider.findStarted) {
    // An error asking (no answer again) is thrown, and the generation keeps reconciling (onProviderError).
    const found = await provider.findStarted({ generationId: g.id, signal });
    if (found !== null) {
      await adoptFound(deps.db, g.id, seq, found);
      await handBack(deps, g.id, 0);
      return true;
    }
  } else if (!provider.startIsIdempotent) {
    throw new RouteFailure(
      'upstream_outcome_unknown',
      `${providerId} may have started this generation, but its answer was lost; it is not started again so that it never runs twice`,
    );
  }
  await setAttemptOutcome(deps.db, g.id, seq, {
    outcome: 'deferred',
    error: { code: 'start_lost', message: `${providerId} has no work for this generation; starting again` },
  });
  return false;
}

/**
 * Starts a generation on its route: chooses the provider, takes a slot of its concurrency cap (or leaves
 * the generation queued), records the attempt before calling out, and acts on the answer: stores the
 * operation; waits out rate limits; fails over when the upstream did not take the work; never sends
 * work that may have started to another provider. Throws RouteFailure to fail. Returns the generation as
 * stored once the upstream took it: the job is still this worker's, to check on at once; otherwise
 * (null) the job has been handed back.
 */
export async function startOnRoute(
  deps: RouteDeps,
  g: GenerationRecord,
  resolved: ResolvedMedia[],
  signal: AbortSignal,
): Promise<GenerationRecord | null> {
  const last = g.providerAttempts.at(-1);
  if (last && (last.outcome === 'requested' || last.outcome === 'unknown')) {
    if (await recoverLostStart(deps, g, last.seq, last.provider, signal)) return null;
  }
  const { provider, warnings } = choose(deps, g, resolved);
  const media = await delivered(deps, provider, resolved, signal);
  const cap = deps.providers.routes.capOf(provider.id);
  if (cap !== null && !(await acquireSlot(deps.db, provider.id, g.id, cap))) {
    await handBack(deps, g.id, deps.upstream.capacityWaitMs);
    return null;
  }
  const seq = await recordStartRequested(deps.db, g.id, provider.id);
  if (seq === null) {
    // Ended, or started, meanwhile: the next step sees it as it now is.
    await handBack(deps, g.id, 0);
    return null;
  }
  let started: { operation: Json; warnings: Warning[]; upstreamId?: string };
  try {
    started = await provider.start({
      ...callOf(g, media),
      idempotencyKey: g.id,
      callbackUrl: deps.upstream.callbackUrl(provider.id),
      signal,
    });
    if (deps.faults?.has('exit-after-start-answer')) process.kill(process.pid, 'SIGKILL');
  } catch (error) {
    if (signal.aborted) throw error;
    await startFailed(deps, g, provider, seq, resolved, error, signal);
    return null;
  }
  // Stored whatever the status now is, so a generation canceled meanwhile can still be stopped upstream, and
  // before anything else is awaited. The operation, the upstream's id (the attempt's outcome) are one statement;
  // the job stays with this worker.
  const accepted = { outcome: 'accepted' as const, upstreamId: started.upstreamId ?? null };
  const stored = await storeStarted(deps.db, {
    id: g.id,
    operation: started.operation,
    warnings: [...warnings, ...dedupe(started.warnings, warnings)],
    seq,
    outcome: accepted,
  });
  if (stored) return stored;
  await setAttemptOutcome(deps.db, g.id, seq, accepted);
  await handBack(deps, g.id, 0);
  return null;
}

/** Warnings of `more` not already in `known` (adapters repeat their assessment). */
const dedupe = (more: Warning[], known: Warning[]) =>
  more.filter((w) => !known.some((k) => k.code === w.code && k.message === w.message));

async function startFailed(
  deps: RouteDeps,
  g: GenerationRecord,
  provider: Provider,
  seq: number,
  media: ResolvedMedia[],
  error: unknown,
  signal: AbortSignal,
): Promise<void> {
  if (!(error instanceof UpstreamError)) {
    await setAttemptOutcome(deps.db, g.id, seq, {
      outcome: 'failed',
      error: { code: 'provider_error', message: (error as Error).message },
    });
    await releaseSlot(deps.db, provider.id, g.id);
    throw error;
  }
  const limits = deps.upstream.retryLimits ?? DEFAULT_RETRY_LIMITS;
  const failure = { code: failureCodeOf(error.kind), message: `${provider.id}: ${error.message}` };
  const decision = decide(error, 'start', g.providerRetries, limits);
  if (decision.action === 'unknown') {
    await setAttemptOutcome(deps.db, g.id, seq, { outcome: 'unknown', error: failure });
    if (provider.findStarted || provider.startIsIdempotent) {
      const why = { code: 'start_answer_lost', message: `${failure.message}; asking ${provider.id} for it` };
      await reconcileLater(deps, g, why, backoffMs(g.providerRetries, limits));
      return;
    }
    throw new RouteFailure(
      'upstream_outcome_unknown',
      `${provider.id} may have started this generation, but its answer was lost (${error.message}); it is not started again so that it never runs twice`,
    );
  }
  if (decision.action === 'failover' && error.kind === 'server' && provider.findStarted) {
    // A 5xx may still have created the task: where the upstream can be asked, ask before going elsewhere.
    const found = await provider.findStarted({ generationId: g.id, signal }).catch(() => undefined);
    if (found) {
      await adoptFound(deps.db, g.id, seq, found);
      await handBack(deps, g.id, 0);
      return;
    }
    if (found === undefined) {
      await setAttemptOutcome(deps.db, g.id, seq, { outcome: 'unknown', error: failure });
      const why = { code: 'start_answer_lost', message: `${failure.message}; asking ${provider.id} for it` };
      await reconcileLater(deps, g, why, backoffMs(g.providerRetries, limits));
      return;
    }
  }
  // The attempt's outcome is written before its slot is given back, so no reader ever sees more live attempts
  // on a provider than its cap.
  const settle = async (patch: AttemptPatch) => {
    await setAttemptOutcome(deps.db, g.id, seq, patch);
    await releaseSlot(deps.db, provider.id, g.id);
  };
  if (decision.action === 'retry') {
    await settle({ outcome: 'deferred', error: failure });
    await deferRetry(deps, g, decision.delayMs);
    return;
  }
  if (decision.action === 'failover') {
    const rejected = {
      ...g,
      providerAttempts: [
        ...g.providerAttempts,
        {
          seq,
          provider: provider.id,
          upstreamId: null,
          outcome: 'rejected' as const,
          error: failure,
          at: '',
        },
      ],
    };
    const blocked = failoverBlocked(deps, rejected, media);
    if (blocked === null || decision.retryDelayMs === null) {
      await settle({ outcome: 'rejected', error: failure });
      if (blocked !== null) throw blocked;
      await handBack(deps, g.id, 0);
      return;
    }
    await settle({ outcome: 'deferred', error: failure });
    await deferRetry(deps, g, decision.retryDelayMs);
    return;
  }
  await settle({ outcome: 'rejected', error: failure });
  throw new RouteFailure(failure.code, failure.message);
}

/** Null when another provider of the route can still take the generation, else the failure saying why not. */
function failoverBlocked(deps: RouteDeps, g: GenerationRecord, media: ResolvedMedia[]): RouteFailure | null {
  try {
    choose(deps, g, media);
    return null;
  } catch (error) {
    if (error instanceof RouteFailure) return error;
    throw error;
  }
}

/**
 * Asks the provider about started work, and records on the attempt when the work has failed. A success
 * is recorded by the caller, in the statement that stores the result (or on its own when that fails).
 */
export async function checkStatus(
  deps: RouteDeps,
  g: GenerationRecord,
  provider: Provider,
  signal: AbortSignal,
): Promise<ProviderStatus> {
  const status = await provider.status({ operation: g.operation as Json, signal });
  const seq = g.providerAttempts.length;
  if (status.state === 'failed' && seq > 0) {
    await setAttemptOutcome(deps.db, g.id, seq, {
      outcome: 'failed',
      error: { code: status.error.code, message: status.error.message },
    });
  }
  if (g.providerRetries > 0) {
    await resetProviderRetries(deps.db, g.id);
  }
  return status;
}

/**
 * Handles an error thrown while following started work (or looking for work whose start answer was lost): an
 * upstream that does not answer, or not usably, is asked again later with the same operation (never a new start),
 * the generation marked as reconciling, and 'handled' comes back; only the reconcile window ends the asking. A
 * verdict (the work is unknown, the request refused) comes back as the failure to record; anything else is left to
 * the caller (null).
 */
export async function onProviderError(
  deps: RouteDeps,
  g: GenerationRecord,
  error: unknown,
): Promise<'handled' | { code: string; message: string } | null> {
  if (error instanceof RouteFailure) return { code: error.code, message: error.message };
  if (!(error instanceof UpstreamError)) return null;
  const limits = deps.upstream.retryLimits ?? DEFAULT_RETRY_LIMITS;
  const last = g.providerAttempts.at(-1);
  const inFlight = g.operation !== null || last?.outcome === 'requested' || last?.outcome === 'unknown';
  if (!inFlight) {
    // Nothing may be running upstream yet (handing an input file over failed): retried a bounded number of times.
    const kept = error.kind === 'rate' ? limits.maxRateRetries : limits.maxTransientRetries;
    const transient = ['rate', 'connection', 'server', 'timeout', 'malformed'].includes(error.kind);
    if (transient && g.providerRetries < kept) {
      await deferRetry(
        deps,
        g,
        Math.max(error.details.retryAfterMs ?? 0, backoffMs(g.providerRetries, limits)),
      );
      return 'handled';
    }
    return { code: failureCodeOf(error.kind), message: error.message };
  }
  const decision = decide(error, 'status', g.providerRetries, limits);
  if (decision.action === 'retry') {
    const startLost = g.operation === null;
    const why = startLost
      ? {
          code: 'start_answer_lost',
          message: `${g.provider}: ${error.message}; asking it for the work again`,
        }
      : { code: 'upstream_unreachable', message: `${g.provider}: ${error.message}; asking again` };
    await reconcileLater(deps, g, why, decision.delayMs);
    return 'handled';
  }
  return { code: failureCodeOf(error.kind), message: error.message };
}
