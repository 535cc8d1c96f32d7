/**
 * Milliseconds to wait before the next try after `failures` failed ones (0: the first retry): `baseMs` doubled
 * after each failure, at most `maxMs`, plus up to `jitter` of it (a fraction) so that many waiters do not retry in
 * lockstep. The one backoff of the gateway: upstream retries, worker steps and webhook deliveries use it.
 */
export function backoffMs(
  failures: number,
  o: { baseMs: number; maxMs: number; jitter?: number; random?: () => number },
): number {
  const plain = Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, failures));
  const jitter = o.jitter ?? 0;
  return jitter === 0 ? plain : Math.round(plain * (1 + jitter * (o.random ?? Math.random)()));
}
