import type { RequestOptions } from './generations.ts';
import type { Transport } from './transport.ts';
import type { UpstreamsCheckReport } from './types.ts';

/** Which routes an upstreams check covers; unset: every one. */
export interface UpstreamsCheckScope {
  /** Only these models' routes (catalog ids). */
  models?: string[];
  /** Only these upstreams' routes (`kling`, `fal`, `replicate`). */
  upstreams?: string[];
}

/**
 * `client.upstreams`: the operator's view of the upstreams. Its calls take the gateway's admin key as the
 * client's `apiKey`.
 */
export class Upstreams {
  constructor(private readonly t: Transport) {}

  /**
   * Compares each route's mapping with the input schema and price its upstream publishes now
   * (`POST /api/v1/admin/upstreams/check`); the report lists every route, checked or skipped with its reason.
   */
  check(scope: UpstreamsCheckScope = {}, options: RequestOptions = {}): Promise<UpstreamsCheckReport> {
    return this.t.json({
      method: 'POST',
      path: '/api/v1/admin/upstreams/check',
      json: scope,
      signal: options.signal,
    });
  }
}
