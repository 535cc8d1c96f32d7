import { describe, expect, it } from 'vitest';
import type { Queryable } from '../db/database.ts';
import { JOBS_CHANNEL, jobWakeUp } from './jobs.ts';

/** A Queryable whose queries stay open until `finish` is called. */
function pendingDb() {
  const sent: { text: string; params: readonly unknown[] | undefined; finish(error?: Error): void }[] = [];
  const db: Queryable = {
    query: <T>(text: string, params?: readonly unknown[]) =>
      new Promise<T[]>((resolve, reject) => {
        sent.push({ text, params, finish: (error) => (error ? reject(error) : resolve([])) });
      }),
  };
  return { db, sent };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('jobWakeUp', () => {
  it('sends one NOTIFY at a time, and one more after it for every caller that came meanwhile', async () => {
    const { db, sent } = pendingDb();
    const wake = jobWakeUp(db);
    const first = wake();
    const second = wake();
    const third = wake();
    await tick();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.params).toEqual([JOBS_CHANNEL, '']);
    let secondDone = false;
    void second.then(() => {
      secondDone = true;
    });
    sent[0]?.finish();
    await first;
    await tick();
    // The callers that came while the first was on its way wait for a NOTIFY sent after it.
    expect(sent).toHaveLength(2);
    expect(secondDone).toBe(false);
    sent[1]?.finish();
    await Promise.all([second, third]);
    // Nothing on its way: the next caller sends at once.
    const fourth = wake();
    await tick();
    expect(sent).toHaveLength(3);
    sent[2]?.finish();
    await fourth;
  });

  it('passes a failed NOTIFY to its callers and still sends the next one', async () => {
    const { db, sent } = pendingDb();
    const wake = jobWakeUp(db);
    const first = wake();
    const second = wake();
    await tick();
    sent[0]?.finish(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await tick();
    expect(sent).toHaveLength(2);
    sent[1]?.finish();
    await second;
  });
});
