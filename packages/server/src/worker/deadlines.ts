import type { Database } from '../db/database.ts';
import type { GenerationRecord } from '../generations/generation-record.ts';
import type { Metrics } from '../observability/metrics.ts';
import { failOverdue } from '../store/generation-progress.ts';
import { makeJobDue, notifyJobs } from '../store/jobs.ts';
import { release } from '../store/ledger.ts';

/** Longest time a generation may take from creation: a default and per-model overrides, in seconds. */
export interface Deadlines {
  defaultSeconds: number;
  perModel: Readonly<Record<string, number>>;
}

export const deadlineSecondsFor = (d: Deadlines, model: string): number =>
  d.perModel[model] ?? d.defaultSeconds;

/**
 * Acts on every queued or running generation past its model's deadline, in one transaction per batch: one no
 * upstream may be working on fails with `deadline_exceeded` and its hold is released; one an upstream may be
 * working on keeps its hold and is marked to be stopped, so a worker sends the upstream's cancel (where there is
 * one) and settles from the upstream's answer: its outputs stored and charged if it finished, released if it
 * stopped or failed. Either way its job is made due at once. Safe to run from any number of processes.
 */
export async function failOverdueGenerations(
  db: Database,
  deadlines: Deadlines,
  batch = 100,
  metrics?: Metrics,
): Promise<string[]> {
  const failed: GenerationRecord[] = [];
  const ids = await db.transaction(async (tx) => {
    const overdue = await failOverdue(tx, deadlines, batch);
    const ids: string[] = [];
    for (const g of overdue) {
      if (g.status === 'failed') failed.push(g);
      if (g.status === 'failed')
        await release(tx, { accountId: g.accountId, mode: g.runMode, keyId: g.keyId }, g.id, g.holdMilli);
      await makeJobDue(tx, g.id);
      ids.push(g.id);
    }
    if (ids[0] !== undefined) await notifyJobs(tx, ids[0]);
    return ids;
  });
  for (const g of failed) metrics?.generationEnded(g.model, g.provider ?? 'local', 'failed');
  return ids;
}

/** Runs `failOverdueGenerations` every `intervalMs` until stopped. */
export class DeadlineSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly deadlines: Deadlines,
    private readonly intervalMs: number,
    private readonly log: { error(obj: unknown, msg: string): void },
    private readonly metrics?: Metrics,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running
        .then(() => failOverdueGenerations(this.db, this.deadlines, 100, this.metrics))
        .catch((error: unknown) => this.log.error({ err: error }, 'deadline sweep failed'));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
