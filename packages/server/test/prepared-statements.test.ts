import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { openPglite } from '../src/db/pglite-database.ts';
import { openPostgres } from '../src/db/postgres-database.ts';
import { createPostgresDatabase } from './databases.ts';

/**
 * Runs five texts three times each on `limited` (a database allowed two prepared texts) and checks that the first
 * two, and only they, were prepared; `textOf` reads the text out of a `pg_prepared_statements` row's statement.
 */
async function expectTwoPrepared(limited: Database, textOf: (statement: string) => string | undefined) {
  try {
    for (let i = 0; i < 5; i++) {
      for (let run = 0; run < 3; run++)
        expect(await limited.query(`SELECT $1::int * ${i} AS n`, [run])).toEqual([{ n: run * i }]);
    }
    const names = await limited.query<{ statement: string }>(
      'SELECT statement FROM pg_prepared_statements ORDER BY prepare_time',
    );
    expect(names.map((p) => textOf(p.statement))).toEqual([
      'SELECT $1::int * 0 AS n',
      'SELECT $1::int * 1 AS n',
    ]);
  } finally {
    await limited.close();
  }
}

describe('statements prepared once per connection on PostgreSQL', () => {
  let target: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let db: Database;
  const prepared = async () =>
    db.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements');
  const alter = async (statement: string) => {
    const other = new pg.Client({ connectionString: target.url });
    await other.connect();
    await other.query(statement);
    await other.end();
  };

  beforeAll(async () => {
    target = await createPostgresDatabase();
    // One connection, so the prepared statements listed are the ones the queries ran on.
    db = await openPostgres(target.url, 1, { preparedLimit: 3 });
  });
  afterAll(async () => {
    await db.close();
    await target.drop();
  });

  it('runs a text unnamed once, then prepares it and binds it from then on', async () => {
    const text = 'SELECT $1::int + 1 AS n';
    expect(await db.query(text, [1])).toEqual([{ n: 2 }]);
    expect((await prepared()).filter((p) => p.statement === text)).toHaveLength(0);
    expect(await db.query(text, [2])).toEqual([{ n: 3 }]);
    expect(await db.query(text, [3])).toEqual([{ n: 4 }]);
    expect((await prepared()).filter((p) => p.statement === text)).toHaveLength(1);
  });

  it('goes on answering when a newer process changes a table a prepared statement reads', async () => {
    await db.query('CREATE TABLE widgets (id int PRIMARY KEY)');
    await db.query('INSERT INTO widgets VALUES (1)');
    const text = 'SELECT * FROM widgets WHERE id = $1';
    await db.query(text, [1]);
    expect(await db.query(text, [1])).toEqual([{ id: 1 }]);
    await alter('ALTER TABLE widgets ADD COLUMN colour text NOT NULL DEFAULT $$red$$');
    expect(await db.query(text, [1])).toEqual([{ id: 1, colour: 'red' }]);
    expect(await db.query(text, [1])).toEqual([{ id: 1, colour: 'red' }]);

    // In a transaction the refusal ends the transaction; the retry runs the text unnamed.
    const inTx = 'SELECT * FROM widgets WHERE id = $1 AND true';
    await db.transaction((tx) => tx.query(inTx, [1]));
    await db.transaction((tx) => tx.query(inTx, [1]));
    await alter('ALTER TABLE widgets ADD COLUMN size int NOT NULL DEFAULT 3');
    await expect(db.transaction((tx) => tx.query(inTx, [1]))).rejects.toMatchObject({ code: '0A000' });
    expect(await db.transaction((tx) => tx.query(inTx, [1]))).toEqual([{ id: 1, colour: 'red', size: 3 }]);
  });

  it('prepares at most its limit of texts; the others run unnamed', async () => {
    await expectTwoPrepared(
      await openPostgres(target.url, 1, { preparedLimit: 2 }),
      (statement) => statement,
    );
  });
});

describe('statements prepared once in the PGlite session', () => {
  let db: Database;
  const prepared = async () =>
    db.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements');
  const statementOf = async (text: string) =>
    (await prepared()).filter((p) => p.statement.includes(` AS ${text};`)).map((p) => p.name);

  beforeAll(async () => {
    db = await openPglite(null, { preparedLimit: 64 });
  });
  afterAll(async () => {
    await db.close();
  });

  it('runs a text unprepared once, then prepares it and executes it from then on', async () => {
    const text = 'SELECT $1::int + 1 AS n';
    expect(await db.query(text, [1])).toEqual([{ n: 2 }]);
    expect(await statementOf(text)).toHaveLength(0);
    expect(await db.query(text, [2])).toEqual([{ n: 3 }]);
    expect(await db.query(text, [3])).toEqual([{ n: 4 }]);
    expect(await statementOf(text)).toHaveLength(1);
  });

  it('reads every kind of value as a bound parameter would be read', async () => {
    const text = `SELECT $1::text AS t, $2::int AS i, $3::float8 AS f, $4::bool AS b, $5::jsonb AS j,
      $6::text[] AS a, $7::timestamptz AS d, $8::bytea AS y, $9::int8 AS big, $10::text AS nothing`;
    const values = [
      `it's a \\ back'slash\n"quoted" ünïcode 🎞 $1 E'x' ''`,
      -42,
      1e-7,
      false,
      { nested: { list: [1, 'two', null], quote: "'", slash: '\\' } },
      ['a,b', '{c}', 'd"e', 'f\\g', '', 'NULL'],
      new Date('2026-12-08T01:02:03.456Z'),
      new Uint8Array([0, 1, 2, 255, 39, 92]),
      9007199254740991,
      null,
    ];
    const plain = await db.query(text, values);
    const again = await db.query(text, values);
    expect(await statementOf(text)).toHaveLength(1);
    expect(again).toEqual(plain);
    const row = (again as Record<string, unknown>[])[0] ?? {};
    expect(row.t).toBe(values[0]);
    expect(row.i).toBe(-42);
    expect(row.f).toBe(1e-7);
    expect(row.b).toBe(false);
    expect(row.j).toEqual(values[4]);
    expect(row.a).toEqual(values[5]);
    expect((row.d as Date).toISOString()).toBe('2026-12-08T01:02:03.456Z');
    expect([...(row.y as Uint8Array)]).toEqual([0, 1, 2, 255, 39, 92]);
    expect(row.big).toBe(9007199254740991);
    expect(row.nothing).toBeNull();
  });

  it('gives PostgreSQL’s own refusal of a NUL character, prepared or not', async () => {
    const text = 'SELECT length($1::text) AS n';
    await db.query(text, ['x']);
    await db.query(text, ['y']);
    expect(await statementOf(text)).toHaveLength(1);
    const refusal = await db.query('SELECT $1::text AS t', ['a\0b']).catch((e: unknown) => e);
    await expect(db.query(text, ['a\0b'])).rejects.toThrow((refusal as Error).message);
    expect(await db.query(text, ['abc'])).toEqual([{ n: 3 }]);
  });

  it('prepares a text met by many callers at once only once', async () => {
    const text = 'SELECT $1::int * 2 AS n';
    await db.query(text, [0]);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => db.query(text, [i])));
    expect(answers).toEqual(Array.from({ length: 10 }, (_, i) => [{ n: i * 2 }]));
    expect(await statementOf(text)).toHaveLength(1);
  });

  it('keeps a statement prepared in a transaction that rolls back, and refuses in a failed one as before', async () => {
    const text = 'SELECT $1::int - 1 AS n';
    await db.query(text, [1]);
    await expect(
      db.transaction(async (tx) => {
        expect(await tx.query(text, [5])).toEqual([{ n: 4 }]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await statementOf(text)).toHaveLength(1);
    expect(await db.query(text, [10])).toEqual([{ n: 9 }]);
    const fresh = 'SELECT $1::int - 2 AS n';
    await db.query(fresh, [1]);
    await expect(
      db.transaction(async (tx) => {
        await tx.query('SELECT 1 / 0').catch(() => undefined);
        return tx.query(fresh, [3]);
      }),
    ).rejects.toMatchObject({ code: '25P02' });
    // The failed transaction did not keep the text from being prepared later.
    expect(await db.query(fresh, [3])).toEqual([{ n: 1 }]);
    expect(await statementOf(fresh)).toHaveLength(1);
  });

  it('prepares a text without parameters too, and runs one that cannot be prepared as before, in a transaction too', async () => {
    const text = "SELECT 'plain' AS word";
    await db.query(text);
    expect(await db.query(text)).toEqual([{ word: 'plain' }]);
    expect(await statementOf(text)).toHaveLength(1);
    // SHOW cannot be prepared: the refused PREPARE is undone under its savepoint and the transaction goes on.
    const show = 'SHOW client_encoding';
    const answer = await db.transaction(async (tx) => {
      await tx.query(show);
      const again = await tx.query(show);
      await tx.query('SELECT $1::int AS n', [1]);
      return again;
    });
    expect(answer).toEqual([{ client_encoding: 'UTF8' }]);
    expect(await db.query(show)).toEqual([{ client_encoding: 'UTF8' }]);
  });

  it('does not wait inside a transaction for a PREPARE that waits for that transaction', async () => {
    const text = 'SELECT $1::int + 100 AS n';
    await db.query(text, [0]);
    let outside: Promise<unknown> | undefined;
    const inside = await db.transaction(async (tx) => {
      // Met a second time outside the transaction: its PREPARE waits for the transaction to end.
      outside = db.query(text, [1]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return tx.query(text, [2]);
    });
    expect(inside).toEqual([{ n: 102 }]);
    expect(await outside).toEqual([{ n: 101 }]);
    expect(await db.query(text, [3])).toEqual([{ n: 103 }]);
    expect(await statementOf(text)).toHaveLength(1);
  });

  it('goes on answering when a table a prepared statement reads changes', async () => {
    await db.query('CREATE TABLE gadgets (id int PRIMARY KEY)');
    await db.query('INSERT INTO gadgets VALUES (1)');
    const text = 'SELECT * FROM gadgets WHERE id = $1';
    await db.query(text, [1]);
    expect(await db.query(text, [1])).toEqual([{ id: 1 }]);
    await db.query(`ALTER TABLE gadgets ADD COLUMN colour text NOT NULL DEFAULT 'red'`);
    expect(await db.query(text, [1])).toEqual([{ id: 1, colour: 'red' }]);
    expect(await db.query(text, [1])).toEqual([{ id: 1, colour: 'red' }]);

    const inTx = 'SELECT * FROM gadgets WHERE id = $1 AND true';
    await db.transaction((tx) => tx.query(inTx, [1]));
    await db.transaction((tx) => tx.query(inTx, [1]));
    await db.query('ALTER TABLE gadgets ADD COLUMN size int NOT NULL DEFAULT 3');
    await expect(db.transaction((tx) => tx.query(inTx, [1]))).rejects.toMatchObject({ code: '0A000' });
    expect(await db.transaction((tx) => tx.query(inTx, [1]))).toEqual([{ id: 1, colour: 'red', size: 3 }]);
  });

  it('prepares at most its limit of texts; the others run unprepared', async () => {
    await expectTwoPrepared(
      await openPglite(null, { preparedLimit: 2 }),
      (statement) => /^PREPARE \w+ AS (.*?);/.exec(statement)?.[1],
    );
  });
});
