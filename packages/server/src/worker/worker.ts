import type { Database } from '../db/database.ts';
import type { GenerationRecord } from '../generations/generation-record.ts';
import { randomBase62 } from '../ids.ts';
import { NO_TRACING } from '../observability/tracing.ts';
import { claimNextJob, JOBS_CHANNEL, renewLease } from '../store/jobs.ts';
import { WakeUp } from '../wake-up.ts';
import { type DriveDeps, driveGeneration } from './drive-generation.ts';
import { handBack } from './hand-back.ts';

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
 * A NOTIFY wakes one waiting loop, and a loop that claims a job while another is due wakes one more to look for
 * it, so a single new job does not send every loop of every process to the database.
 */
export class Worker {
  readonly id = `wrk_${randomBase62(10)}`;
  /** Aborted when claiming stops; `abort` cuts in-flight steps short. */
  private readonly stopping = new AbortController();
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly wake = new WakeUp();
  private unlisten: (() => Promise<void>) | null = null;

  private readonly deps: Omit<DriveDeps, 'workerId'>;

  constructor(
    deps: Omit<DriveDeps, 'workerId'>,
    private readonly options: WorkerOptions,
  ) {
    // A job handed back due soon wakes one loop of this process then: the loop that handed it back does not look
    // again by itself (see `loop`), and the others look only once per poll interval.
    this.deps = {
      ...deps,
      onHandedBack: (delayMs) => {
        deps.onHandedBack?.(delayMs);
        if (delayMs > 0 && delayMs < options.pollIntervalMs) this.wake.wakeOneAt(delayMs);
      },
    };
  }

  private get db(): Database {
    return this.deps.db;
  }

  async start(): Promise<void> {
    if (this.options.concurrency === 0) return;
    this.unlisten = await this.db.listen(JOBS_CHANNEL, () => this.wake.wakeOne());
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

  /**
   * Claims one job and drives it, step after step while a step leaves it due at once (a start the upstream
   * took is checked on straight away, without handing the job back and claiming it again); false when
   * none was due.
   */
  async runOnce(): Promise<boolean> {
    return (await this.claimAndRun()).ran;
  }

  /**
   * {@link runOnce}, telling the loop when the next job is due when none was: the claim's statement says so, and
   * whether another job is due besides the one claimed (only then is a second loop sent to look).
   */
  private async claimAndRun(): Promise<{ ran: boolean; moreDue: boolean; msUntilNext: number | null }> {
    const {
      generation: claimed,
      moreDue,
      msUntilNext,
    } = await claimNextJob(this.db, this.id, this.options.leaseSeconds);
    if (claimed === null) return { ran: false, moreDue: false, msUntilNext };
    const id = claimed.id;
    if (moreDue) this.wake.nudge();
    // The lease is renewed while the steps run, so only a dead worker's lease lapses.
    const renew = setInterval(
      () =>
        void renewLease(this.db, id, this.id, this.options.leaseSeconds).catch((error: unknown) =>
          // Not fatal while the next renewal can still succeed, but a lease that keeps failing to renew lapses
          // and another worker takes the job over: the operator must see why.
          this.options.log.error(
            { err: error, generationId: id },
            'could not renew the lease of a claimed job',
          ),
        ),
      (this.options.leaseSeconds * 1000) / 3,
    );
    try {
      // The first step drives the generation as the claim read it; each later one as the step before left it.
      let next: GenerationRecord | null = await this.step(id, claimed);
      while (next) {
        if (this.stopping.signal.aborted) {
          // Stopping: the next step is left to another worker, at once.
          await handBack({ ...this.deps, workerId: this.id }, id, 0).catch(() => {});
          break;
        }
        next = await this.step(id, next);
      }
    } finally {
      clearInterval(renew);
    }
    return { ran: true, moreDue, msUntilNext: null };
  }

  /** One step of a claimed job, under the step timeout; the generation when the next step is due at once. */
  private async step(id: string, loaded: GenerationRecord): Promise<GenerationRecord | null> {
    // A plain timer, not AbortSignal.timeout: Node 20 may collect a timeout signal held only by any().
    const step = new AbortController();
    const timer = setTimeout(() => step.abort(), this.options.stepTimeoutMs ?? 300_000);
    const signal = AbortSignal.any([this.abort.signal, step.signal]);
    try {
      // Each step continues the trace its generation was created in (when tracing is on).
      const tracing = this.deps.tracing ?? NO_TRACING;
      return await tracing.continueFrom(
        loaded.traceContext,
        'generation.step',
        {
          'reelay.generation_id': id,
          'reelay.status': loaded.status,
          'reelay.provider': loaded.provider ?? 'local',
        },
        () => driveGeneration({ ...this.deps, workerId: this.id }, id, signal, loaded),
      );
    } catch (error) {
      if (!this.abort.signal.aborted)
        this.options.log.error({ err: error, generationId: id }, 'generation step failed');
      await handBack({ ...this.deps, workerId: this.id }, id, this.abort.signal.aborted ? 0 : 1000).catch(
        () => {},
      );
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private async loop(): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        // A wake-up that comes while this loop looks for work ends its sleep at once.
        const rung = this.wake.rung;
        const { ran, moreDue, msUntilNext: next } = await this.claimAndRun();
        // After a job, the loop looks again at once only when the claim saw another job due or a wake-up came while
        // it ran (a new job, a render's end, a job it handed back due now); looking otherwise found nothing almost
        // always, a statement per job for nothing. A job it handed back due later wakes a loop by then (constructor).
        if (ran) {
          if (!moreDue) await this.wake.sleep(this.options.pollIntervalMs, rung);
          continue;
        }
        // The next job's time wakes one loop of the process, not every loop that found nothing: the others would
        // only look and find it taken. Each loop still looks at least once per poll interval.
        if (next !== null && next < this.options.pollIntervalMs) this.wake.wakeOneAt(Math.max(next, 5));
        await this.wake.sleep(this.options.pollIntervalMs, rung);
      } catch (error) {
        if (signal.aborted) break;
        this.options.log.error({ err: error }, 'worker loop error');
        await this.wake.sleep(this.options.pollIntervalMs);
      }
    }
  }
}
