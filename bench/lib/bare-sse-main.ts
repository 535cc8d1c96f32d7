/**
 * The SSE benchmark's baseline: a bare LISTEN/NOTIFY fan-out server. node:http answers `GET /events/{id}` with
 * an event stream and keeps the response; one pg connection LISTENs on the channel the gateway's events trigger
 * announces on (`<generationId> <eventId>`), and each notification is written to the streams of its generation,
 * with no lookup. Env: BENCH_DATABASE_URL. Sends `{ ready: { port } }`.
 */
import { createServer, type ServerResponse } from 'node:http';
import pg from 'pg';

const CHANNEL = 'reelay_generation_events';
const streams = new Map<string, Set<ServerResponse>>();
const listener = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL });
await listener.connect();
listener.on('notification', (n) => {
  const [id = '', eventId = ''] = (n.payload ?? '').split(' ');
  const data = `id: ${eventId}\nevent: change\ndata: {"generationId":"${id}"}\n\n`;
  for (const res of streams.get(id) ?? []) res.write(data);
});
await listener.query(`LISTEN ${CHANNEL}`);

const server = createServer((req, res) => {
  const id = (req.url ?? '').replace(/^\/events\//, '');
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write('retry: 1000\n\n');
  let set = streams.get(id);
  if (!set) {
    set = new Set();
    streams.set(id, set);
  }
  set.add(res);
  res.on('close', () => set.delete(res));
});
server.keepAliveTimeout = 0;
server.requestTimeout = 0;

server.listen(0, '127.0.0.1', 1024, () => {
  const address = server.address();
  process.send?.({ ready: { port: typeof address === 'object' && address ? address.port : 0 } });
});
const stop = () => {
  for (const set of streams.values()) for (const res of set) res.end();
  server.close(() => listener.end().then(() => process.exit(0)));
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
