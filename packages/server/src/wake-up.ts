/**
 * Sleeps that end early: a loop waits up to `ms` for due work, and a NOTIFY (or a stop) ends the wait at
 * once through `wakeAll` (every current sleep) or `wakeOne` (the longest-waiting one).
 *
 * A wake-up that comes while a loop is still looking for work, before it sleeps, is not lost: the loop
 * reads `rung` before looking and passes it to `sleep`, which returns at once when a wake-up came since.
 */
export class WakeUp {
  private waiting: (() => void)[] = [];
  private rings = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;

  /** How many wake-ups there have been so far. */
  get rung(): number {
    return this.rings;
  }

  /** Resolves after `ms`, or sooner when woken; at once when a wake-up came after `rung` was `since`. */
  sleep(ms: number, since?: number): Promise<void> {
    if (since !== undefined && since !== this.rings) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const waiting = this.waiting;
      function done() {
        clearTimeout(timer);
        const i = waiting.indexOf(done);
        if (i >= 0) waiting.splice(i, 1);
        resolve();
      }
      waiting.push(done);
    });
  }

  /** Ends every sleep in progress. */
  wakeAll(): void {
    this.rings++;
    const waiting = this.waiting;
    this.waiting = [];
    for (const done of [...waiting]) done();
  }

  /** Ends the longest sleep in progress, if any. */
  wakeOne(): void {
    this.rings++;
    this.waiting[0]?.();
  }

  /**
   * {@link wakeOne} in `ms`: one timer for all callers, kept at the earliest time asked for, so loops that all know
   * when the next piece of work is due do not all wake for it (one does; it sends another when there is more).
   */
  wakeOneAt(ms: number): void {
    const at = Date.now() + ms;
    if (this.timer !== null && this.timerAt <= at) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.wakeOne();
    }, ms);
    this.timer.unref();
  }

  /** Ends the longest sleep in progress, if any, without counting as a wake-up for loops still looking. */
  nudge(): void {
    this.waiting[0]?.();
  }
}
