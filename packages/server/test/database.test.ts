import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, sqlLiteral } from '../src/db/database.ts';
import { DirLockedError } from '../src/db/dir-lock.ts';
import { migrate } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { openPglite } from '../src/db/pglite-database.ts';
import { pgliteTemplate, templateName } from '../src/db/pglite-template.ts';
import { claimNextJob, rescheduleJob } from '../src/store/jobs.ts';
import { capture, getBalance, grant, hold } from '../src/store/ledger.ts';
import { createPostgresDatabase, DATABASES, type DatabaseKind, onPostgres } from './databases.ts';

async function freshDatabase(kind: DatabaseKind): Promise<{ db: Database; cleanup(): Promise<void> }> {
  if (kind === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), 'reelay-db-'));
    const db = await openDatabase({ driver: 'pglite', dataDir: dir });
    return { db, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }
  const pgdb = await createPostgresDatabase();
  const db = await openDatabase({ driver: 'postgres', url: pgdb.url });
  return { db, cleanup: pgdb.drop };
}

describe.each(DATABASES)('database on %s', (kind) => {
  let db: Database;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, cleanup } = await freshDatabase(kind));
    await db.query(`INSERT INTO accounts (id, name) VALUES ('acct_a', 'A')`);
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });

  it('never lets concurrent holds take a balance below zero', async () => {
    await db.transaction((tx) => grant(tx, { accountId: 'acct_a', mode: 'test' }, 10_000, 'test'));
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        db.transaction((tx) => hold(tx, { accountId: 'acct_a', mode: 'test' }, `gen_h${i}`, 1000)),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await getBalance(db, { accountId: 'acct_a', mode: 'test' })).toEqual({
      balanceMilli: 10_000,
      heldMilli: 10_000,
    });
    const entries = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ledger_entries WHERE kind = 'hold'`,
    );
    expect(entries[0]?.n).toBe(10);
  });

  it('captures a generation at most once, and never more than its hold', async () => {
    const t = { accountId: 'acct_a', mode: 'test' } as const;
    await db.transaction((tx) => capture(tx, t, 'gen_h0', 1000, 500));
    await expect(db.transaction((tx) => capture(tx, t, 'gen_h0', 1000, 500))).rejects.toMatchObject({
      code: '23505',
    });
    await expect(db.transaction((tx) => capture(tx, t, 'gen_h1', 1000, 1500))).rejects.toThrow(
      /exceeds hold/,
    );
    expect(await getBalance(db, t)).toEqual({ balanceMilli: 9500, heldMilli: 9000 });
    await expect(
      db.query(`UPDATE token_balances SET balance_milli = -1 WHERE account_id = 'acct_a'`),
    ).rejects.toThrow();
  });

  it('keeps live and test balances apart', async () => {
    expect(await getBalance(db, { accountId: 'acct_a', mode: 'live' })).toEqual({
      balanceMilli: 0,
      heldMilli: 0,
    });
    expect(await db.transaction((tx) => hold(tx, { accountId: 'acct_a', mode: 'live' }, 'gen_live', 1))).toBe(
      false,
    );
  });

  it('hands a job to one worker at a time and back again when its lease lapses', async () => {
    await db.query(
      `INSERT INTO api_keys (id, account_id, mode, key_hash, prefix) VALUES ('key_a', 'acct_a', 'test', 'h', 'p')`,
    );
    await db.query(
      `INSERT INTO generations (id, account_id, key_id, run_mode, type, model, mode, variant, status, input, quote, hold_milli)
       VALUES ('gen_j', 'acct_a', 'key_a', 'test', 'video', 'm', 'text_to_video', 'v', 'queued', '{}', '{}', 0)`,
    );
    await db.query(`INSERT INTO jobs (generation_id) VALUES ('gen_j')`);
    const claimJob = async (worker: string, lease: number) =>
      (await claimNextJob(db, worker, lease)).generation;
    const claims = await Promise.all([claimJob('w1', 1), claimJob('w2', 1), claimJob('w3', 1)]);
    expect(claims.filter((c) => c?.id === 'gen_j')).toHaveLength(1);
    expect(claims.find((c) => c !== null)).toMatchObject({ id: 'gen_j', status: 'queued', model: 'm' });
    expect(await claimJob('w4', 1)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await claimJob('w5', 30))?.id).toBe('gen_j');
    await rescheduleJob(db, 'gen_j', 'w5', 5000);
    expect(await claimJob('w6', 30)).toBeNull();
    // A look that finds nothing says, in its own statement, when the next job is due.
    const none = await claimNextJob(db, 'w7', 30);
    expect(none.generation).toBeNull();
    expect(none.moreDue).toBe(false);
    expect(none.msUntilNext).toBeGreaterThan(4000);
    expect(none.msUntilNext).toBeLessThanOrEqual(5000);
  });

  it('says with a claim whether another job is due, and without one when the next is', async () => {
    for (const id of ['gen_m1', 'gen_m2', 'gen_m3']) {
      await db.query(
        `INSERT INTO generations (id, account_id, key_id, run_mode, type, model, mode, variant, status, input, quote, hold_milli)
         VALUES ($1, 'acct_a', 'key_a', 'test', 'video', 'm', 'text_to_video', 'v', 'queued', '{}', '{}', 0)`,
        [id],
      );
    }
    await db.query(`DELETE FROM jobs`);
    await db.query(`INSERT INTO jobs (generation_id) VALUES ('gen_m1'), ('gen_m2')`);
    await db.query(`INSERT INTO jobs (generation_id, run_at) VALUES ('gen_m3', now() + interval '1 hour')`);
    const first = await claimNextJob(db, 'w1', 30);
    expect(first.generation?.id).toBe('gen_m1');
    expect(first).toMatchObject({ moreDue: true, msUntilNext: null });
    const second = await claimNextJob(db, 'w2', 30);
    expect(second.generation?.id).toBe('gen_m2');
    // gen_m3 is not due for an hour: nobody else needs to look.
    expect(second.moreDue).toBe(false);
    const third = await claimNextJob(db, 'w3', 30);
    expect(third.generation).toBeNull();
    // The next is the first claimed job's lease running out, 30 s on.
    expect(third.msUntilNext).toBeGreaterThan(25_000);
    expect(third.msUntilNext).toBeLessThanOrEqual(30_000);
    await db.query(`DELETE FROM jobs`);
    expect(await claimNextJob(db, 'w4', 30)).toEqual({ generation: null, moreDue: false, msUntilNext: null });
  });

  it('reads back every value written as an SQL literal, and runs a script all or nothing', async () => {
    const texts = [
      "it's",
      'back\\slash',
      "\\'; DROP TABLE accounts; --",
      "E'x'",
      'ünï 😀 \n\t',
      '$1 $$ $tag$',
    ];
    const rows = (await db.script(texts.map((t) => `SELECT ${sqlLiteral(t)}::text AS t`).join(';\n'))).map(
      (r) => r[0]?.t,
    );
    expect(rows).toEqual(texts);
    const [numbers] = await db.script(
      `SELECT ${sqlLiteral(-5)} - ${sqlLiteral(-5)} AS z, ${sqlLiteral(null)} AS n`,
    );
    expect(numbers?.[0]).toEqual({ z: 0, n: null });
    expect(() => sqlLiteral('a\0b')).toThrow();
    await expect(
      db.script(`INSERT INTO accounts (id, name) VALUES ('acct_script', 'S'); SELECT 1 / 0`),
    ).rejects.toThrow();
    expect(await db.query(`SELECT 1 FROM accounts WHERE id = 'acct_script'`)).toEqual([]);
  });

  // What the create script relies on: the statement after the account lock sees creates committed before it.
  onPostgres(kind)(
    'lets a script statement after a row lock see what was committed while it waited for that lock',
    async () => {
      let release = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked = () => {};
      const lockTaken = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holder = db.transaction(async (tx) => {
        await tx.query(`SELECT 1 FROM accounts WHERE id = 'acct_a' FOR NO KEY UPDATE`);
        await tx.query(`INSERT INTO accounts (id, name) VALUES ('acct_late', 'L')`);
        locked();
        await gate;
      });
      await lockTaken;
      const waiting = db.script(
        `SELECT 1 FROM accounts WHERE id = 'acct_a' FOR NO KEY UPDATE;
         SELECT count(*)::int AS n FROM accounts WHERE id = 'acct_late'`,
      );
      // Commit only once the script is waiting for the lock.
      for (;;) {
        const [row] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if ((row?.n ?? 0) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      release();
      await holder;
      expect((await waiting)[1]).toEqual([{ n: 1 }]);
    },
  );

  it('does not apply a migration twice', async () => {
    expect(await migrate(db)).toEqual([]);
    const rows = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    const files = (await readdir(new URL('../src/db/migrations/', import.meta.url))).filter((f) =>
      f.endsWith('.sql'),
    );
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(rows.map((r) => r.name)).toEqual(files.sort());
  });

  it('knows an up-to-date database from one statement, and still applies a migration it lacks', async () => {
    const sent: string[] = [];
    const counting: Database = {
      ...db,
      query: (text, params) => {
        sent.push(text);
        return db.query(text, params);
      },
      transaction: (fn) => {
        sent.push('BEGIN');
        return db.transaction(fn);
      },
    };
    expect(await migrate(counting)).toEqual([]);
    expect(sent).toHaveLength(1);
    // The last migration is undone and forgotten: the database is behind, and gets it again.
    await db.query(`DELETE FROM schema_migrations WHERE name = '017_create_function.sql'`);
    await db.query('DROP FUNCTION reelay_key_spend(text, text)');
    await db.query('DROP FUNCTION reelay_create_generations(jsonb, int)');
    expect(await migrate(db)).toEqual(['017_create_function.sql']);
    const functions = await db.query<{ name: string }>(
      `SELECT proname AS name FROM pg_proc WHERE proname LIKE 'reelay\\_%' ORDER BY proname`,
    );
    expect(functions.map((f) => f.name)).toContain('reelay_create_generations');
    expect(await migrate(db)).toEqual([]);
  });
});

describe('embedded database folder', () => {
  it('is locked to one process and survives a reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reelay-lock-'));
    const first = await openPglite(dir);
    await first.query('CREATE TABLE t (v int)');
    await first.query('INSERT INTO t VALUES (42)');
    // The lock file names this live process, so a second open is refused.
    await expect(openPglite(dir)).rejects.toBeInstanceOf(DirLockedError);
    await first.close();
    const again = await openPglite(dir);
    expect(await again.query('SELECT v FROM t')).toEqual([{ v: 42 }]);
    await again.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens an existing folder with its schema and data, without migrating again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reelay-reopen-'));
    const first = await openDatabase({ driver: 'pglite', dataDir: dir });
    await first.query(`INSERT INTO accounts (id, name) VALUES ('acct_kept', 'Kept')`);
    await first.close();
    const again = await openDatabase({ driver: 'pglite', dataDir: dir });
    expect(await migrate(again)).toEqual([]);
    await again.query(`INSERT INTO accounts (id, name) VALUES ('acct_new', 'New')`);
    expect(
      (await again.query<{ id: string }>('SELECT id FROM accounts ORDER BY id')).map((r) => r.id),
    ).toEqual(['acct_kept', 'acct_new']);
    // The embedded server runs with its small buffer pool, not initdb's 128 MB.
    expect(await again.query('SHOW shared_buffers')).toEqual([{ shared_buffers: '16MB' }]);
    await again.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('starts a new cluster from the built template, and opens an existing folder as it is', async () => {
    // The template is built with the gateway (npm run build); every new cluster is a copy of it, so two share the
    // system identifier that initdb draws at random.
    expect(await pgliteTemplate(), `${templateName()} is built by npm run build`).not.toBeNull();
    const identifier = async (db: Database) =>
      (await db.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()'))[0]
        ?.id;
    const memory = await openPglite(null);
    const dir = await mkdtemp(join(tmpdir(), 'reelay-template-'));
    const folder = await openPglite(dir);
    expect(await identifier(folder)).toBe(await identifier(memory));
    await folder.query('CREATE TABLE kept (v int)');
    await folder.query('INSERT INTO kept VALUES (7)');
    await folder.close();
    await memory.close();
    const again = await openPglite(dir);
    expect(await again.query('SELECT v FROM kept')).toEqual([{ v: 7 }]);
    await again.close();
    await rm(dir, { recursive: true, force: true });
  });
});
