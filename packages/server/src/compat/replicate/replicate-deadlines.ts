import { ApiError } from '../../errors.ts';
import { isFinal } from '../../generations/generation-events.ts';
import { ownerOf } from '../../generations/generation-record.ts';
import type { ReplicateStore } from '../../store/replicate-predictions.ts';
import type { ReplicateCore } from './replicate-core.ts';

/**
 * Ends predictions past their `Cancel-After` deadline through the core's cancel (the hold is released as for any
 * cancel): one still queued shows as `aborted`, one running as `canceled`. Each deadline is claimed in the database
 * first, so any number of processes may sweep.
 */
export async function endOverduePredictions(core: ReplicateCore, store: ReplicateStore): Promise<number> {
  let ended = 0;
  for (const p of await store.overdue(50)) {
    if (!(await store.claimDeadline(p.generationId))) continue;
    const g = await core.load(p.generationId);
    if (!g || isFinal(g.status)) {
      await store.deadlineMissed(p.generationId);
      continue;
    }
    try {
      await core.cancel(ownerOf(g), p.generationId);
      ended += 1;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      await store.deadlineMissed(p.generationId);
    }
  }
  return ended;
}

/** Runs {@link endOverduePredictions} every `intervalMs` until stopped. */
export class PredictionDeadlines {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly core: ReplicateCore,
    private readonly store: ReplicateStore,
    private readonly intervalMs: number,
    private readonly log: { error(obj: unknown, msg: string): void },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.running = this.running
        .then(() => endOverduePredictions(this.core, this.store))
        .catch((error: unknown) => this.log.error({ err: error }, 'Cancel-After sweep failed'));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
