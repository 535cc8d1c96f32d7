import { authHeaders, BENCH_KEY, CREATE_BODY } from './gateway-env.ts';

/**
 * Creates `n` generations through POST /api/v1/generations on the gateway on `port`, `concurrency` at a
 * time, with `body` (the reference video request by default) and `key`; returns their ids.
 */
export async function createGenerations(
  port: number,
  n: number,
  options: { concurrency?: number; body?: string; key?: string } = {},
): Promise<string[]> {
  const ids: string[] = [];
  let started = 0;
  const one = async (): Promise<void> => {
    while (started < n) {
      started++;
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/generations`, {
        method: 'POST',
        headers: authHeaders(options.key ?? BENCH_KEY),
        body: options.body ?? CREATE_BODY,
      });
      const g = (await r.json()) as { id?: string };
      if (r.status >= 300 || !g.id) throw new Error(`create answered ${r.status}: ${JSON.stringify(g)}`);
      ids.push(g.id);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, one));
  return ids;
}
