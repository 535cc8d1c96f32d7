/**
 * The create benchmark's baseline, the simplest correct server: bare node:http reading the JSON body and
 * doing ONE INSERT of (id, account, model, input) into a simple table per create, nothing else (no auth,
 * validation, quote, hold, limits, job or event). PostgreSQL (DATABASE_URL) through a `pg.Pool` of the
 * gateway's pool size; otherwise a PGlite instance in its own folder under REELAY_DATA_DIR.
 * Sends `{ ready: { port } }`.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { openBareDb } from './bare-db.ts';

const TABLE = `CREATE TABLE IF NOT EXISTS bare_generations (
  id text PRIMARY KEY, account_id text NOT NULL, model text NOT NULL, input jsonb NOT NULL)`;
const INSERT = 'INSERT INTO bare_generations (id, account_id, model, input) VALUES ($1, $2, $3, $4)';

const db = await openBareDb(
  process.env.DATABASE_URL,
  join(process.env.REELAY_DATA_DIR as string, 'bare-pglite'),
);
await db.query(TABLE);
const account = 'acct_bench';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; input: unknown };
      const id = `gen_${randomUUID()}`;
      await db.query(INSERT, [id, account, body.model, JSON.stringify(body.input)]);
      const text = JSON.stringify({ id, status: 'queued' });
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ ready: { port: typeof address === 'object' && address ? address.port : 0 } });
});
const stop = () => server.close(() => db.close().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('disconnect', stop);
