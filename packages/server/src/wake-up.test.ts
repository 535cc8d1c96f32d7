import { describe, expect, it } from 'vitest';
import { WakeUp } from './wake-up.ts';

describe('WakeUp', () => {
  it('ends every current sleep at once, and only those', async () => {
    const wake = new WakeUp();
    const ended: number[] = [];
    const first = wake.sleep(3_600_000).then(() => ended.push(1));
    const second = wake.sleep(3_600_000).then(() => ended.push(2));
    wake.wakeAll();
    await Promise.all([first, second]);
    expect(ended).toEqual([1, 2]);
    let later = false;
    const third = wake.sleep(20).then(() => {
      later = true;
    });
    await Promise.resolve();
    expect(later).toBe(false);
    await third;
    expect(later).toBe(true);
  });

  it('wakes one sleeper at a time, and keeps a wake-up that came before the sleep', async () => {
    const wake = new WakeUp();
    const ended: number[] = [];
    const first = wake.sleep(3_600_000).then(() => ended.push(1));
    const second = wake.sleep(3_600_000).then(() => ended.push(2));
    wake.wakeOne();
    await first;
    await Promise.resolve();
    expect(ended).toEqual([1]);
    const since = wake.rung;
    wake.wakeOne();
    await second;
    expect(ended).toEqual([1, 2]);
    // The wake-up above came after `since` was read: this sleep ends at once.
    await wake.sleep(3_600_000, since);
    let later = false;
    const fresh = wake.sleep(20, wake.rung).then(() => {
      later = true;
    });
    await Promise.resolve();
    expect(later).toBe(false);
    await fresh;
  });

  it('wakes one sleeper at the earliest time asked for, once', async () => {
    const wake = new WakeUp();
    const ended: number[] = [];
    const sleeps = [1, 2, 3].map((n) => wake.sleep(3_600_000).then(() => ended.push(n)));
    // Three loops ask for the same moment, and one for a later one: one timer, at the earliest.
    wake.wakeOneAt(30);
    wake.wakeOneAt(30);
    wake.wakeOneAt(500);
    wake.wakeOneAt(20);
    await sleeps[0];
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(ended).toEqual([1]);
    // Once it has fired, the next time asked for is timed again.
    wake.wakeOneAt(10);
    await sleeps[1];
    expect(ended).toEqual([1, 2]);
    wake.wakeAll();
    await sleeps[2];
  });
});
