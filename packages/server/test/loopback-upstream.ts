import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Faults the upstream injects, each request deciding with the seeded random source. */
export interface UpstreamFaults {
  /** Share of requests answered 503. */
  error5xx?: number;
  /** Share of requests never answered (the connection stays open until the client gives up). */
  hang?: number;
  /** Chance that a request starts a burst of `burstLength` requests answered 429 with Retry-After. */
  burst429?: number;
  burstLength?: number;
  /** Share of start requests whose task is created but whose answer is never sent. */
  lostStart?: number;
}

export interface UpstreamTask {
  id: string;
  generationId: string;
  createdAt: number;
  state: 'running' | 'succeeded' | 'canceled';
  /** Set false to keep a task running until the test finishes it. */
  finishes: boolean;
}

/**
 * A video-task API on 127.0.0.1 that counts starts and can misbehave. Every start request creates a task
 * (as an upstream without idempotency keys does); `GET /v1/tasks?generationId=` finds one by the caller's id.
 */
export interface LoopbackUpstream {
  url: string;
  /** Tasks created, in order: what the upstream would bill for. */
  tasks: UpstreamTask[];
  /** Starts whose task was created but whose answer was dropped. */
  lostStarts: number;
  cancels: string[];
  faults: UpstreamFaults;
  /** How long a task runs before it succeeds. */
  taskMs: number;
  /** False: new tasks run until canceled. */
  finishTasks: boolean;
  /** Answers for status requests are held until the returned function is called (cancel races). */
  holdStatus(): { held: Promise<string>; release(): void };
  close(): Promise<void>;
}

/** A small seeded PRNG (mulberry32), so a failing fault run can be repeated. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startLoopbackUpstream(
  options: { taskMs?: number; faults?: UpstreamFaults; seed?: number } = {},
): Promise<LoopbackUpstream> {
  const random = seeded(options.seed ?? 1);
  // Lost starts draw from a stream of their own: whether the n-th task's answer is lost does not depend on how
  // many status polls came before it.
  const lostRandom = seeded((options.seed ?? 1) + 7919);
  const byId = new Map<string, UpstreamTask>();
  const sockets = new Set<Socket>();
  let burstLeft = 0;
  let holds: { resolve(id: string): void; release: Promise<void> }[] = [];

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const view = (t: UpstreamTask) => {
    if (t.state === 'running' && t.finishes && Date.now() - t.createdAt >= upstream.taskMs)
      t.state = 'succeeded';
    const progress =
      t.state === 'succeeded' ? 1 : Math.min(0.99, (Date.now() - t.createdAt) / upstream.taskMs);
    return { id: t.id, state: t.state, progress: Math.round(progress * 100) / 100 };
  };

  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', async () => {
      const f = upstream.faults;
      if (burstLeft > 0 || random() < (f.burst429 ?? 0)) {
        burstLeft = burstLeft > 0 ? burstLeft - 1 : (f.burstLength ?? 5) - 1;
        return send(res, 429, { error: 'rate limited' }, { 'retry-after': '1' });
      }
      const roll = random();
      if (roll < (f.hang ?? 0)) return; // never answered
      if (roll < (f.hang ?? 0) + (f.error5xx ?? 0)) return send(res, 503, { error: 'try again' });

      const url = new URL(req.url ?? '/', 'http://upstream');
      if (req.method === 'POST' && url.pathname === '/v1/tasks') {
        const { generationId } = JSON.parse(body) as { generationId: string };
        const task: UpstreamTask = {
          id: `task_${upstream.tasks.length + 1}`,
          generationId,
          createdAt: Date.now(),
          state: 'running',
          finishes: upstream.finishTasks,
        };
        upstream.tasks.push(task);
        byId.set(task.id, task);
        if (lostRandom() < (f.lostStart ?? 0)) {
          upstream.lostStarts++;
          return;
        }
        return send(res, 201, view(task));
      }
      if (req.method === 'GET' && url.pathname === '/v1/tasks') {
        const generationId = url.searchParams.get('generationId');
        const found = upstream.tasks.findLast((t) => t.generationId === generationId);
        return found ? send(res, 200, view(found)) : send(res, 404, { error: 'no such task' });
      }
      const match = /^\/v1\/tasks\/([^/]+)(\/cancel)?$/.exec(url.pathname);
      const task = match ? byId.get(match[1] as string) : undefined;
      if (!task) return send(res, 404, { error: 'no such task' });
      if (req.method === 'POST' && match?.[2]) {
        upstream.cancels.push(task.id);
        if (task.state === 'running') task.state = 'canceled';
        return send(res, 200, view(task));
      }
      const hold = holds[0];
      if (hold) {
        holds = holds.slice(1);
        hold.resolve(task.id);
        await hold.release;
        task.state = 'succeeded';
      }
      return send(res, 200, view(task));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const upstream: LoopbackUpstream = {
    url: `http://127.0.0.1:${port}`,
    tasks: [],
    lostStarts: 0,
    finishTasks: true,
    cancels: [],
    faults: options.faults ?? {},
    taskMs: options.taskMs ?? 300,
    holdStatus() {
      let resolve: (id: string) => void = () => {};
      let release: () => void = () => {};
      const held = new Promise<string>((r) => {
        resolve = r;
      });
      const released = new Promise<void>((r) => {
        release = r;
      });
      holds.push({ resolve, release: released });
      return { held, release };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return upstream;
}
