import type { Account } from '@reelay/contract';
import { Assets, type FileAccess } from './assets.ts';
import { Models, Quotes } from './catalog-calls.ts';
import { Generations, type RequestOptions } from './generations.ts';
import { realSleep, Transport } from './transport.ts';
import { Upstreams } from './upstreams-calls.ts';
import { Webhooks } from './webhooks.ts';

export interface ClientOptions {
  /** The gateway, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** An API key (`rl_test_…`, `rl_live_…`); the catalog needs none. */
  apiKey?: string;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Retries of idempotent calls after a 429, a 5xx or a broken connection (default 3). */
  maxRetries?: number;
  /** The longest Retry-After waited out by the client itself (default 60 s); longer ones are thrown. */
  maxRetryAfterMs?: number;
  /** The secret `webhooks.verify` uses by default. */
  webhookSecret?: string;
  /** How the client waits between retries and polls; inject a fake one in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock for HTTP-date Retry-After headers (default Date.now). */
  now?: () => number;
  /** Jitter source for backoff (default Math.random). */
  random?: () => number;
}

/** The Reelay client. */
export interface ReelayClient {
  generations: Generations;
  quotes: Quotes;
  models: Models;
  assets: Assets;
  webhooks: Webhooks;
  /** The operator's calls (the client's `apiKey` must be the gateway's admin key). */
  upstreams: Upstreams;
  account: { get(options?: RequestOptions): Promise<AccountInfo> };
}

/** `GET /api/v1/account`: the key's account and its balance. */
export type AccountInfo = Account;

/** @internal The Node entry adds file access. */
export function buildClient(options: ClientOptions, files: FileAccess | null): ReelayClient {
  if (!options.baseUrl) throw new TypeError('createClient needs a baseUrl, e.g. http://localhost:8080');
  const t = new Transport({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    maxRetries: options.maxRetries ?? 3,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    sleep: options.sleep ?? realSleep,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    newIdempotencyKey: () => globalThis.crypto.randomUUID(),
  });
  return {
    generations: new Generations(t),
    quotes: new Quotes(t),
    models: new Models(t),
    assets: new Assets(t, files),
    webhooks: new Webhooks(options.webhookSecret),
    upstreams: new Upstreams(t),
    account: { get: (o = {}) => t.json({ method: 'GET', path: '/api/v1/account', signal: o.signal }) },
  };
}

/** A client for browsers and Node; uploads from a path need `createClient` from `@reelay/client/node`. */
export function createClient(options: ClientOptions): ReelayClient {
  return buildClient(options, null);
}
