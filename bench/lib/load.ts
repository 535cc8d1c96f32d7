import autocannon from 'autocannon';

export interface LoadResult {
  /** Mean requests per second over the measured time. */
  rps: number;
  p50: number;
  p99: number;
  total: number;
  /** Connection errors, timeouts and non-2xx answers. */
  failures: number;
  /** What the failures were, for the log. */
  detail: string;
}

/** `connections` connections keep sending the same request for `seconds`, after a short warm-up. */
export async function hammer(opts: {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Either a fixed time… */
  seconds?: number;
  /** …or a fixed number of requests. */
  amount?: number;
  warmupSeconds?: number;
  /** Paths each request takes in turn (many ids of one route, say); the url's path otherwise. */
  paths?: string[];
  /** Bearer keys handed out to the connections in turn (one account each, say). */
  keys?: string[];
  /** Called just before the measured requests start (after the warm-up) and once they have all been answered. */
  measuring?: { start(): Promise<void>; end(): Promise<void> };
}): Promise<LoadResult> {
  let next = 0;
  let nextPath = 0;
  const keys = opts.keys ?? [];
  const paths = opts.paths ?? [];
  const base = {
    url: opts.url,
    method: opts.method ?? 'GET',
    headers: opts.headers ?? {},
    body: opts.body,
    connections: opts.connections,
    ...(paths.length
      ? {
          requests: [
            {
              setupRequest: (request: { path?: string }) => ({
                ...request,
                path: paths[nextPath++ % paths.length],
              }),
            },
          ],
        }
      : {}),
    ...(keys.length
      ? {
          setupClient: (client: { setHeaders(h: Record<string, string>): void }) =>
            client.setHeaders({ ...opts.headers, authorization: `Bearer ${keys[next++ % keys.length]}` }),
        }
      : {}),
  };
  if (opts.warmupSeconds) {
    await autocannon({ ...base, duration: opts.warmupSeconds });
    // Let the server finish the warm-up's last requests before the measured run starts.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await opts.measuring?.start();
  const t0 = performance.now();
  const r = await autocannon(
    opts.amount ? { ...base, amount: opts.amount } : { ...base, duration: opts.seconds ?? 10 },
  );
  await opts.measuring?.end();
  const seconds = opts.amount ? (performance.now() - t0) / 1000 : (opts.seconds ?? 10);
  return {
    rps: r.requests.total / seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
    total: r.requests.total,
    failures: r.errors + r.timeouts + r.non2xx,
    detail: `errors ${r.errors}, timeouts ${r.timeouts}, statuses ${JSON.stringify(r.statusCodeStats ?? {})}`,
  };
}
