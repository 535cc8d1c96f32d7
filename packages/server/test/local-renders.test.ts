import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { LocalRenders } from '../src/store/local-renders.ts';
import { createPostgresDatabase, DATABASES, type DatabaseKind, onPostgres } from './databases.ts';

async function freshDatabase(kind: DatabaseKind): Promise<{ db: Database; cleanup(): Promise<void> }> {
  if (kind === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'reelay-renders-'));
    const db = await openDatabase({ driver: 'pglite', dataDir: dir });
    return { db, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }
  const pgdb = await createPostgresDatabase();
  const db = await openDatabase({ driver: 'postgres', url: pgdb.url });
  return { db, cleanup: pgdb.drop };
}

const LEASE = 60_000;
/** A lease that has lapsed as soon as it is taken: its process is as good as gone. */
const LAPSED = 0;

describe.each(DATABASES)('local renders on %s', (kind) => {
  let db: Database;
  let cleanup: () => Promise<void>;
  let renders: LocalRenders;
  let seq = 0;
  beforeAll(async () => {
    ({ db, cleanup } = await freshDatabase(kind));
    renders = new LocalRenders(db);
    await db.query(`INSERT INTO accounts (id, name) VALUES ('acct_r', 'R')`);
    await db.query(
      `INSERT INTO api_keys (id, account_id, mode, key_hash, prefix) VALUES ('key_r', 'acct_r', 'test', 'h', 'p')`,
    );
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });

  /** A running generation and the id of a render of it. */
  async function generation(): Promise<{ generationId: string; renderId: string }> {
    const generationId = `gen_r${kind}${++seq}`;
    await db.query(
      `INSERT INTO generations (id, account_id, key_id, run_mode, type, model, mode, variant, status, input, quote, hold_milli)
       VALUES ($1, 'acct_r', 'key_r', 'test', 'image', 'm', 'text_to_image', 'v', 'running', '{}', '{}', 0)`,
      [generationId],
    );
    return { generationId, renderId: `${generationId}-abc` };
  }

  const end = (generationId: string) =>
    db.query(`UPDATE generations SET status = 'succeeded' WHERE id = $1`, [generationId]);

  it('starts a render once: a second claim finds it running, and the run is seen live by everyone', async () => {
    const g = await generation();
    expect(await renders.latest(g.renderId)).toBeNull();
    const first = await renders.claim({ ...g, owner: 'p1', leaseMs: LEASE });
    expect(first).toEqual({ run: 1, folder: `${g.renderId}-1` });
    expect(await renders.claim({ ...g, owner: 'p2', leaseMs: LEASE })).toBeNull();
    expect(await renders.latest(g.renderId)).toMatchObject({
      run: 1,
      owner: 'p1',
      state: 'rendering',
      progress: 0,
      live: true,
    });
  });

  /** A running local generation whose job is due in `dueInSeconds` (one waiting for a render slot, say). */
  async function waiting(dueInSeconds: number) {
    const g = await generation();
    await db.query(`UPDATE generations SET provider = 'local', operation = '{}' WHERE id = $1`, [
      g.generationId,
    ]);
    await db.query(
      `INSERT INTO jobs (generation_id, run_at) VALUES ($1, now() + make_interval(secs => $2::float8))`,
      [g.generationId, dueInSeconds],
    );
    return g;
  }

  /** The generations whose jobs are due now, by id. */
  const due = async () =>
    (
      await db.query<{ generation_id: string }>(
        'SELECT generation_id FROM jobs WHERE run_at <= clock_timestamp() ORDER BY generation_id',
      )
    ).map((r) => r.generation_id);

  it('makes a finished run’s generation due, and the local generation waiting longest for a slot', async () => {
    const rendered = await waiting(30);
    const first = await waiting(10);
    const second = await waiting(20);
    expect(await due()).toEqual([]);
    const run = await renders.claim({ ...rendered, owner: 'p1', leaseMs: LEASE });
    expect(await renders.finish('p1', run?.folder ?? '', LEASE)).toBe(true);
    expect(await due()).toEqual([first.generationId, rendered.generationId].sort());
    expect(await due()).not.toContain(second.generationId);
    // A run that is not the owner's to end wakes nobody.
    expect(await renders.fail('p2', run?.folder ?? '', 'no')).toBe(false);
    expect(await due()).not.toContain(second.generationId);
    await db.query('DELETE FROM jobs');
  });

  it('makes the local generation waiting longest for a slot due when a slot is freed without a run’s end', async () => {
    const first = await waiting(10);
    const second = await waiting(20);
    expect(await due()).toEqual([]);
    await renders.slotFreed();
    expect(await due()).toEqual([first.generationId]);
    await renders.slotFreed();
    expect(await due()).toEqual([first.generationId, second.generationId].sort());
    await db.query('DELETE FROM jobs');
  });

  it('takes over a run whose lease lapsed, once, and marks it lost', async () => {
    const g = await generation();
    await renders.claim({ ...g, owner: 'dead', leaseMs: LAPSED });
    expect((await renders.latest(g.renderId))?.live).toBe(false);
    const taken = await Promise.all(
      ['p1', 'p2', 'p3'].map((owner) => renders.claim({ ...g, owner, leaseMs: LEASE })),
    );
    expect(taken.filter((t) => t !== null)).toEqual([{ run: 2, folder: `${g.renderId}-2` }]);
    const runs = await db.query<{ run: number; state: string }>(
      'SELECT run, state FROM local_renders WHERE render_id = $1 ORDER BY run',
      [g.renderId],
    );
    expect(runs).toEqual([
      { run: 1, state: 'lost' },
      { run: 2, state: 'rendering' },
    ]);
    // The dead process can no longer renew, finish or fail the run it lost.
    expect(await renders.renew('dead', [`${g.renderId}-1`], LEASE, {})).toEqual([]);
    expect(await renders.finish('dead', `${g.renderId}-1`, LEASE)).toBe(false);
    expect(await renders.fail('dead', `${g.renderId}-1`, 'late')).toBe(false);
  });

  it('keeps a finished run while its owner renews it, and never starts a failed one again', async () => {
    const g = await generation();
    const run = await renders.claim({ ...g, owner: 'p1', leaseMs: LEASE });
    expect(await renders.renew('p1', [run?.folder ?? ''], LEASE, { [run?.folder ?? '']: 0.5 })).toEqual([
      run?.folder,
    ]);
    expect((await renders.latest(g.renderId))?.progress).toBe(0.5);
    expect(await renders.finish('p1', run?.folder ?? '', LEASE)).toBe(true);
    expect(await renders.latest(g.renderId)).toMatchObject({ state: 'done', progress: 1, live: true });
    expect(await renders.claim({ ...g, owner: 'p2', leaseMs: LEASE })).toBeNull();
    // Its output left its folder unrecorded (a worker died storing it): rendered again, though its owner lives.
    expect(await renders.claim({ ...g, owner: 'p2', leaseMs: LEASE, outputGone: true })).toMatchObject({
      run: 2,
    });
    expect(await renders.renew('p1', [run?.folder ?? ''], LEASE, {})).toEqual([]);
    // A process that stops gives its runs up at once.
    await renders.release('p2', [`${g.renderId}-2`]);
    expect((await renders.latest(g.renderId))?.live).toBe(false);
    expect(await renders.claim({ ...g, owner: 'p3', leaseMs: LEASE })).toMatchObject({ run: 3 });

    const f = await generation();
    const failed = await renders.claim({ ...f, owner: 'p1', leaseMs: LAPSED });
    expect(await renders.fail('p1', failed?.folder ?? '', 'The render failed.')).toBe(true);
    expect(await renders.latest(f.renderId)).toMatchObject({ state: 'failed', error: 'The render failed.' });
    expect(await renders.claim({ ...f, owner: 'p2', leaseMs: LEASE })).toBeNull();
  });

  it('stops renewing runs of ended generations, and names the folders nothing needs', async () => {
    const running = await generation();
    const ended = await generation();
    const lost = await generation();
    const a = await renders.claim({ ...running, owner: 'p1', leaseMs: LEASE });
    const b = await renders.claim({ ...ended, owner: 'p1', leaseMs: LEASE });
    const c = await renders.claim({ ...lost, owner: 'dead', leaseMs: LAPSED });
    await renders.claim({ ...lost, owner: 'p2', leaseMs: LEASE });
    const folders = [a?.folder ?? '', b?.folder ?? ''];
    await end(ended.generationId);
    expect(await renders.renew('p1', folders, LEASE, {})).toEqual([a?.folder]);
    expect(
      (
        await renders.disposable([a?.folder ?? '', b?.folder ?? '', c?.folder ?? '', 'gen_old', 'x-1'])
      ).sort(),
    ).toEqual([b?.folder, c?.folder, 'gen_old', 'x-1'].sort());
    expect(await renders.disposable([])).toEqual([]);
  });

  // Several connections: a worker renewing at the moment another takes its lapsed run over keeps it or loses it,
  // never both.
  onPostgres(kind)('decides a takeover and a renewal racing for one run one way', async () => {
    for (let i = 0; i < 10; i++) {
      const g = await generation();
      const first = await renders.claim({ ...g, owner: 'slow', leaseMs: LAPSED });
      const [renewed, taken] = await Promise.all([
        renders.renew('slow', [first?.folder ?? ''], LEASE, {}),
        renders.claim({ ...g, owner: 'p2', leaseMs: LEASE }),
      ]);
      const live = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM local_renders WHERE render_id = $1 AND state = 'rendering'`,
        [g.renderId],
      );
      expect(live[0]?.n).toBe(1);
      expect(renewed.length + (taken ? 1 : 0)).toBe(1);
    }
  });
});
