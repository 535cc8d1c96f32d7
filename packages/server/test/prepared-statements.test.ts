import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { openPostgres } from '../src/db/postgres-database.ts';
import { createPostgresDatabase } from './databases.ts';

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
    const limited = await openPostgres(target.url, 1, { preparedLimit: 2 });
    try {
      for (let i = 0; i < 5; i++) {
        for (let run = 0; run < 3; run++)
          expect(await limited.query(`SELECT $1::int * ${i} AS n`, [run])).toEqual([{ n: run * i }]);
      }
      const names = await limited.query<{ statement: string }>(
        'SELECT statement FROM pg_prepared_statements ORDER BY prepare_time',
      );
      expect(names.map((p) => p.statement)).toEqual(['SELECT $1::int * 0 AS n', 'SELECT $1::int * 1 AS n']);
    } finally {
      await limited.close();
    }
  });
});
