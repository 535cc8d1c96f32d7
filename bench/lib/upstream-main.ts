/**
 * A loopback upstream in its own process (so its work does not share the load generator's event loop):
 *  - a task API: `POST /v1/tasks` → `{ id }`, `GET /v1/tasks/:id` → `{ status, output_url }`, done
 *    `BENCH_TASK_MS` after it was created (0: at once); with `BENCH_ADOPT_TASKS=1` an id it never handed
 *    out counts as created when first asked about (tasks a benchmark seeded straight into the database);
 *  - OpenAI-style `POST /v1/images/generations` → `{ created, data: [{ url }] }`, answered at once;
 *  - `GET /v1/files/out.png`, the image; `GET /stats`, counts of each call.
 * Started with fork(); sends `{ ready: { port } }`.
 */
import { createServer } from 'node:http';
import { tinyPng } from './tiny-png.ts';

const taskMs = Number(process.env.BENCH_TASK_MS ?? 0);
const adoptTasks = process.env.BENCH_ADOPT_TASKS === '1';
const png = tinyPng(64, 64, [40, 90, 160]);
const tasks = new Map<string, number>();
const counts = { starts: 0, statusCalls: 0, images: 0, files: 0 };
let seq = 0;

function json(res: import('node:http').ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const url = req.url ?? '/';
    const base = `http://127.0.0.1:${port()}`;
    if (req.method === 'POST' && url === '/v1/tasks') {
      counts.starts++;
      const id = `task_${++seq}`;
      tasks.set(id, Date.now() + taskMs);
      return json(res, 201, { id });
    }
    if (req.method === 'GET' && url.startsWith('/v1/tasks/')) {
      counts.statusCalls++;
      const id = url.slice('/v1/tasks/'.length);
      if (adoptTasks && !tasks.has(id)) tasks.set(id, Date.now() + taskMs);
      const due = tasks.get(id);
      if (due === undefined) return json(res, 404, { error: 'no such task' });
      if (Date.now() < due) return json(res, 200, { status: 'pending' });
      return json(res, 200, { status: 'succeeded', output_url: `${base}/v1/files/out.png` });
    }
    if (req.method === 'POST' && url === '/v1/images/generations') {
      counts.images++;
      return json(res, 200, {
        created: Math.floor(Date.now() / 1000),
        data: [{ url: `${base}/v1/files/out.png` }],
      });
    }
    if (req.method === 'GET' && url === '/v1/files/out.png') {
      counts.files++;
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
      return res.end(png);
    }
    if (req.method === 'GET' && url === '/stats') return json(res, 200, { ...counts, tasks: tasks.size });
    json(res, 404, { error: 'not found' });
  });
});
server.keepAliveTimeout = 60_000;

function port(): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

server.listen(0, '127.0.0.1', () => process.send?.({ ready: { port: port() } }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
