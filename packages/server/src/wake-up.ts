/**
 * Sleeps that end early: a loop waits up to `ms` for due work, and a NOTIFY (or a stop) ends every
 * current wait at once through `wakeAll`.
 */
export class WakeUp {
  private waiting: (() => void)[] = [];

  /** Resolves after `ms`, or sooner when `wakeAll` is called. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiting.push(done);
    });
  }

  /** Ends every sleep in progress. */
  wakeAll(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const done of waiting) done();
  }
}
