import type { Database } from '../db/database.ts';
import { randomBase62 } from '../ids.ts';
import { type DriveDeps, driveGeneration } from './drive-generation.ts';
import { claimJob, JOBS_CHANNEL, msUntilNextJob, rescheduleJob } from './job-queue.ts';

export interface WorkerOptions {
  concurrency: number;
  pollIntervalMs: number;
  leaseSeconds: number;
  log: { error(obj: unknown, msg: string): void };
}

/**
 * Drives queued generations: `concurrency` loops claim jobs from the database, woken by NOTIFY when work
 * arrives and by a timer for jobs due later. Any number of workers in any number of processes may run.
 */
export class Worker {
  readonly id = `wrk_${randomBase62(10)}`;
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private wake: (() => void)[] = [];
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
    this.unlisten = await this.db.listen(JOBS_CHANNEL, () => this.wakeAll());
    for (let i = 0; i < this.options.concurrency; i++) this.loops.push(this.loop());
  }

  /** Stops claiming, lets in-flight steps finish (each step is short) and returns. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wakeAll();
    await Promise.allSettled(this.loops);
    await this.unlisten?.();
  }

  private wakeAll(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake.push(done);
    });
  }

  /** Claims and drives one job; false when none was due. */
  async runOnce(): Promise<boolean> {
    const id = await claimJob(this.db, this.id, this.options.leaseSeconds);
    if (id === null) return false;
    try {
      await driveGeneration({ ...this.deps, workerId: this.id }, id, this.abort.signal);
    } catch (error) {
      if (!this.abort.signal.aborted)
        this.options.log.error({ err: error, generationId: id }, 'generation step failed');
      await rescheduleJob(this.db, id, this.id, this.abort.signal.aborted ? 0 : 1000).catch(() => {});
    }
    return true;
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        if (await this.runOnce()) continue;
        const next = await msUntilNextJob(this.db);
        await this.sleep(
          next === null
            ? this.options.pollIntervalMs
            : Math.min(Math.max(next, 5), this.options.pollIntervalMs),
        );
      } catch (error) {
        if (signal.aborted) break;
        this.options.log.error({ err: error }, 'worker loop error');
        await this.sleep(this.options.pollIntervalMs);
      }
    }
  }
}
