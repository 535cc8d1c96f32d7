/**
 * The create benchmark's baseline: a bare node:http server that reads the JSON body and does the same
 * single-row INSERT into `generations` as POST /api/v1/generations, on the same database (opened with the
 * gateway's own driver), with nothing else: no auth, validation, quote, hold, limits or job.
 * Sends `{ ready: { port } }`.
 */
import { createServer } from 'node:http';
import { loadConfig } from '../../packages/server/src/config.ts';
import { openDatabase } from '../../packages/server/src/db/open-database.ts';
import { newId } from '../../packages/server/src/ids.ts';

const db = await openDatabase(loadConfig().database);
const key = (
  await db.query<{ id: string; account_id: string }>('SELECT id, account_id FROM api_keys LIMIT 1')
)[0];
if (!key) throw new Error('run the gateway once first: no API key in the database');
const quote = JSON.stringify({ milliTokens: 3000, tokens: 3 });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; input: unknown };
      const id = newId('gen');
      await db.query(
        `INSERT INTO generations (id, account_id, key_id, run_mode, type, model, mode, variant, status, input, quote,
           hold_milli, provider, idempotency_key, request_hash)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'queued',$9,$10,$11,$12,$13,$14)`,
        [
          id,
          key.account_id,
          key.id,
          'test',
          'video',
          body.model,
          'text_to_video',
          '720p',
          JSON.stringify(body.input),
          quote,
          3000,
          'local',
          null,
          null,
        ],
      );
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
