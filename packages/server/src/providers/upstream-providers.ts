import type { UpstreamsConfig } from '../config.ts';
import { FalProvider } from './fal/fal-provider.ts';
import { KlingProvider } from './kling/kling-provider.ts';
import type { Provider } from './provider.ts';
import { ReplicateProvider } from './replicate/replicate-provider.ts';
import type { FetchLike } from './upstream/call-upstream.ts';

/**
 * The upstream adapters that have credentials in the configuration (an upstream without them is off). Their calls to
 * their own configured origins go through `fetch`; file uploads, whose targets the upstream names, through
 * `uploadFetch` (the guarded fetcher).
 */
export function upstreamProviders(
  config: UpstreamsConfig,
  deps: { fetch: FetchLike; now: () => number; uploadFetch?: FetchLike },
): Provider[] {
  const timeoutMs = config.timeoutMs;
  const out: Provider[] = [];
  if (config.kling) out.push(new KlingProvider({ ...deps, config: { ...config.kling, timeoutMs } }));
  if (config.fal) {
    const uploadLifetimeSeconds = config.linkTtlSeconds;
    out.push(new FalProvider({ ...deps, config: { ...config.fal, timeoutMs, uploadLifetimeSeconds } }));
  }
  if (config.replicate)
    out.push(new ReplicateProvider({ ...deps, config: { ...config.replicate, timeoutMs } }));
  return out;
}
