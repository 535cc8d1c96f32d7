import { createServer } from 'node:net';
import { sleep } from './stats.ts';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `url` every `everyMs` until it answers 200; resolves with the time that took from `since`. */
export async function firstOk(
  url: string,
  since: number,
  timeoutMs = 120_000,
  everyMs = 10,
): Promise<number> {
  for (;;) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.status === 200) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() - since > timeoutMs)
      throw new Error(`${url} did not answer 200 in ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}
