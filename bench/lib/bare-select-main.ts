/**
 * The status benchmark's baseline: bare node:http answering `GET /api/v1/generations/{id}` with the one
 * indexed SELECT by id the gateway's GET makes (`SELECT * FROM generations WHERE id = $1`), on the same
 * database the gateway used (its configuration from the environment, the gateway stopped first for PGlite):
 * a `pg.Pool` of 10 on PostgreSQL, a PGlite instance on its folder otherwise. No auth, no serialiser.
 * Sends `{ ready: { port } }`.
 */
import { createServer } from 'node:http';
import { loadConfig } from '../../packages/server/src/config.ts';
import { openBareDb } from './bare-db.ts';

const config = loadConfig().database;
const db = await openBareDb(
  config.driver === 'postgres' ? config.url : undefined,
  config.driver === 'pglite' ? config.dataDir : '',
);
const PREFIX = '/api/v1/generations/';

const server = createServer(async (req, res) => {
  try {
    const url = req.url ?? '';
    if (!url.startsWith(PREFIX)) {
      res.writeHead(404).end();
      return;
    }
    const rows = await db.query('SELECT * FROM generations WHERE id = $1', [url.slice(PREFIX.length)]);
    if (rows.length === 0) {
      res.writeHead(404).end();
      return;
    }
    const text = JSON.stringify(rows[0]);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ ready: { port: typeof address === 'object' && address ? address.port : 0 } });
});
const stop = () => server.close(() => db.close().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('disconnect', stop);
