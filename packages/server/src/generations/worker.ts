import type { Database } from '../db/database.ts';
import { randomBase62 } from '../ids.ts';
import { WakeUp } from '../wake-up.ts';
import { type DriveDeps, driveGeneration } from './drive-generation.ts';
import { claimJob, JOBS_CHANNEL, msUntilNextJob, renewLease, rescheduleJob } from './job-queue.ts';

export interface WorkerOptions {
  concurrency: number;
  pollIntervalMs: number;
  leaseSeconds: number;
  /** A step (one provider call and its bookkeeping) still going after this is abandoned and retried. */
  stepTimeoutMs?: number;
  log: { error(obj: unknown, msg: string): void };
}

/**
 * Drives queued generations: `concurrency` loops claim jobs from the database, woken by NOTIFY when work
 * arrives and by a timer for jobs due later. Any number of workers in any number of processes may run.
 */
export class Worker {
  readonly id = `wrk_${randomBase62(10)}`;
  /** Aborted when claiming stops; `abort` cuts in-flight steps short. */
  private readonly stopping = new AbortController();
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly wake = new WakeUp();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly deps: Omit<DriveDeps, 'workerId'>,
    private readonly options: WorkerOptions,
  ) {}

  private get db(): Database {
    return this.deps.db;
  }

  async start(): Promise<void> {
    if (this.options.concurrency === 0) return;
    this.unlisten = await this.db.listen(JOBS_CHANNEL, () => this.wake.wakeAll());
    for (let i = 0; i < this.options.concurrency; i++) this.loops.push(this.loop());
  }

  /**
   * Stops claiming and lets in-flight steps finish for up to `graceMs`; steps still going then are
   * aborted and their jobs handed back at once, so another worker resumes them without waiting for a lease.
   */
  async stop(graceMs = 0): Promise<void> {
    this.stopping.abort();
    this.wake.wakeAll();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled(this.loops), grace]);
    clearTimeout(timer);
    this.abort.abort();
    await Promise.allSettled(this.loops);
    await this.unlisten?.();
  }

  /** Claims and drives one job; false when none was due. */
  async runOnce(): Promise<boolean> {
    const id = await claimJob(this.db, this.id, this.options.leaseSeconds);
    if (id === null) return false;
    // A plain timer, not AbortSignal.timeout: Node 20 may collect a timeout signal held only by any().
    const step = new AbortController();
    const timer = setTimeout(() => step.abort(), this.options.stepTimeoutMs ?? 300_000);
    const signal = AbortSignal.any([this.abort.signal, step.signal]);
    // The lease is renewed while the step runs, so only a dead worker's lease lapses.
    const renew = setInterval(
      () => void renewLease(this.db, id, this.id, this.options.leaseSeconds).catch(() => {}),
      (this.options.leaseSeconds * 1000) / 3,
    );
    try {
      await driveGeneration({ ...this.deps, workerId: this.id }, id, signal);
    } catch (error) {
      if (!this.abort.signal.aborted)
        this.options.log.error({ err: error, generationId: id }, 'generation step failed');
      await rescheduleJob(this.db, id, this.id, this.abort.signal.aborted ? 0 : 1000).catch(() => {});
    } finally {
      clearInterval(renew);
      clearTimeout(timer);
    }
    return true;
  }

  private async loop(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        if (await this.runOnce()) continue;
        const next = await msUntilNextJob(this.db);
        await this.wake.sleep(
          next === null
            ? this.options.pollIntervalMs
            : Math.min(Math.max(next, 5), this.options.pollIntervalMs),
        );
      } catch (error) {
        if (signal.aborted) break;
        this.options.log.error({ err: error }, 'worker loop error');
        await this.wake.sleep(this.options.pollIntervalMs);
      }
    }
  }
}
