import pg from 'pg';
import type { Database, Queryable } from './database.ts';
import { isStalePlan, StatementNames } from './statement-names.ts';

const INT8_OID = 20;

/**
 * A pool on a real PostgreSQL server. Statements with parameters that run again and again are prepared once per
 * connection (statement-names.ts); `preparedLimit` bounds how many texts are.
 */
export async function openPostgres(
  url: string,
  poolSize = 10,
  options: { preparedLimit?: number } = {},
): Promise<Database> {
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === INT8_OID
        ? (value: string) => Number(value)
        : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  await pool.query('SELECT 1');
  const names = new StatementNames(options.preparedLimit);
  const run =
    (client: pg.Pool | pg.PoolClient, inTransaction: boolean) =>
    async <T>(text: string, params?: readonly unknown[]): Promise<T[]> => {
      const values = params ? [...params] : [];
      // A text without parameters may hold several statements: it goes as a simple query, never prepared.
      const name = values.length > 0 ? names.nameOf(text) : undefined;
      if (name === undefined) return (await client.query(text, values)).rows as T[];
      try {
        return (await client.query({ name, text, values })).rows as T[];
      } catch (error) {
        if (!isStalePlan(error)) throw error;
        names.forget(text);
        // Inside a transaction the refusal has aborted it: the caller's retry runs the text unnamed.
        if (inTransaction) throw error;
        return (await client.query(text, values)).rows as T[];
      }
    };
  return {
    driver: 'postgres',
    query: run(pool, false),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({ query: run(client, true) } satisfies Queryable);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async script(text) {
      // A simple query: several statements in one message, run as one implicit transaction.
      const result = (await pool.query(text)) as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(result) ? result : [result]).map((r) => r.rows);
    },
    async listen(channel, onNotify, options) {
      const client = new pg.Client({ connectionString: url });
      let ended = false;
      const lost = () => {
        if (ended) return;
        ended = true;
        options?.onLost?.();
      };
      client.on('error', lost);
      client.on('end', lost);
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      });
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      return async () => {
        ended = true;
        await client.end().catch(() => {});
      };
    },
    async close() {
      await pool.end();
    },
  };
}
