import type { ProviderHealth, ProviderHealthReport, QueueStatus } from '@reelay/contract';
import type { Database } from '../db/database.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { queueCounts } from '../store/jobs.ts';
import { attemptCountsSince, latestAttemptErrors, runTimesSince } from '../store/provider-attempts.ts';
import { slotsInUseByProvider } from '../store/provider-slots.ts';

/** Outcomes that end an attempt badly, and those that end it at all (for the failure rate). */
const FAILED = new Set(['failed', 'rejected']);
const ENDED = new Set(['failed', 'rejected', 'succeeded']);
const ERROR_OUTCOMES = ['rejected', 'deferred', 'unknown', 'failed'] as const;
/** Errors listed per provider. */
const LAST_ERRORS = 5;

/** What the operator watches across every account: how each provider is doing and the work queue. */
export class OperationsService {
  constructor(
    private readonly db: Database,
    private readonly providers: ProviderRegistry,
  ) {}

  /**
   * Each provider configured here or seen in the window: its start calls by outcome, failure rate, run times
   * of what it finished, slots held against its cap, and its latest errors. Read from the generations made
   * since `since` (their attempt log) and the slots held now.
   */
  async providerHealth(since: Date): Promise<ProviderHealthReport> {
    const [counts, times, errors, slots] = await Promise.all([
      attemptCountsSince(this.db, since),
      runTimesSince(this.db, since),
      latestAttemptErrors(this.db, since, LAST_ERRORS),
      slotsInUseByProvider(this.db),
    ]);
    const configured = this.providers.ids();
    const ids = new Set([...configured, ...counts.map((c) => c.provider), ...slots.keys()]);
    const data = [...ids].sort().map((provider): ProviderHealth => {
      const outcomes: Record<string, number> = {};
      for (const c of counts) if (c.provider === provider) outcomes[c.outcome] = c.n;
      const total = (keep: (outcome: string) => boolean) =>
        Object.entries(outcomes).reduce((sum, [outcome, n]) => sum + (keep(outcome) ? n : 0), 0);
      const ended = total((o) => ENDED.has(o));
      const time = times.find((t) => t.provider === provider);
      return {
        provider,
        configured: configured.includes(provider),
        attempts: total(() => true),
        outcomes,
        failureRate: ended > 0 ? total((o) => FAILED.has(o)) / ended : null,
        latencySeconds: time ? { median: time.median, p95: time.p95, samples: time.samples } : null,
        slots: { inUse: slots.get(provider) ?? 0, cap: this.providers.routes.capOf(provider) },
        lastErrors: errors
          .filter((e) => e.provider === provider)
          .map((e) => ({
            generationId: e.generationId,
            outcome: ERROR_OUTCOMES.find((o) => o === e.outcome) ?? 'failed',
            code: e.code,
            message: e.message,
            at: e.at,
          })),
      };
    });
    return { since: since.toISOString(), data };
  }

  /** Generations queued and running over every account, with the oldest of each and the due jobs. */
  async queue(): Promise<QueueStatus> {
    const q = await queueCounts(this.db);
    return {
      queued: q.queued,
      running: q.running,
      oldestQueuedAt: q.oldestQueuedAt?.toISOString() ?? null,
      oldestQueuedSeconds: q.oldestQueuedSeconds,
      oldestRunningAt: q.oldestRunningAt?.toISOString() ?? null,
      dueJobs: q.dueJobs,
    };
  }
}
