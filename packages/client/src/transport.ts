import {
  ConnectionError,
  errorFromResponse,
  RateLimitError,
  type ReelayError,
  retryAfterSeconds,
} from './errors.ts';

/** What the client is built on: where, who, and the clock and randomness, injectable for tests. */
export interface TransportOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  fetch: typeof fetch;
  /** Retries of an idempotent call after a 429, a 5xx or a broken connection. */
  maxRetries: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  random: () => number;
  newIdempotencyKey: () => string;
  /**
   * The longest Retry-After the client waits out by itself (a longer one is thrown as a RateLimitError), and the
   * longest it waits in all for a request with the same Idempotency-Key that the gateway is still processing.
   */
  maxRetryAfterMs: number;
}

/** One API call. */
export interface Call {
  /** DELETE is idempotent here (deleting again answers the same), so it is retried like GET. */
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string | number | null | undefined>;
  /** A JSON body. */
  json?: unknown;
  /** A raw body, made anew for each attempt; a body that is not `repeatable` (a one-shot stream) is sent once. */
  body?: () => Promise<{ body: BodyInit; contentType: string; repeatable: boolean }>;
  /** POSTs carry one (made up when not given), so retrying them is safe. */
  idempotencyKey?: string | undefined;
  accept?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;

/** Exponential backoff with jitter, or the server's Retry-After when it gave one. */
export function retryDelayMs(attempt: number, retryAfter: number | null, random: () => number): number {
  if (retryAfter !== null) return retryAfter * 1000;
  const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Sleeps `ms`, or rejects when `signal` aborts. */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The 409 of a request whose Idempotency-Key an earlier, unanswered request still holds. */
function isStillProcessing(error: ReelayError): boolean {
  return error.status === 409 && error.code === 'conflict';
}

/** HTTP with the key, typed errors, and retries for calls that are safe to repeat. */
export class Transport {
  constructor(readonly options: TransportOptions) {}

  url(path: string, query: Call['query'] = {}): string {
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, '')}${path}`);
    for (const [k, v] of Object.entries(query))
      if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    return url.toString();
  }

  /**
   * Sends `call`, retrying 429/5xx/connection failures with backoff, and a POST whose Idempotency-Key an earlier
   * attempt still holds (409 `conflict`) after its Retry-After; returns a 2xx response or throws.
   */
  async send(call: Call): Promise<Response> {
    const o = this.options;
    const key = call.method === 'POST' ? (call.idempotencyKey ?? o.newIdempotencyKey()) : undefined;
    let waitedForFirstMs = 0;
    for (let attempt = 0; ; attempt++) {
      const raw = call.body ? await call.body() : undefined;
      const repeatable = raw?.repeatable !== false && attempt < o.maxRetries;
      const headers: Record<string, string> = { accept: call.accept ?? 'application/json' };
      Object.assign(headers, call.headers);
      if (o.apiKey) headers.authorization = `Bearer ${o.apiKey}`;
      if (key) headers['idempotency-key'] = key;
      if (call.json !== undefined) headers['content-type'] = 'application/json';
      if (raw) headers['content-type'] = raw.contentType;
      const init: RequestInit & { duplex?: 'half' } = { method: call.method, headers, signal: call.signal };
      if (call.json !== undefined) init.body = JSON.stringify(call.json);
      if (raw) {
        init.body = raw.body;
        if (raw.body instanceof ReadableStream) init.duplex = 'half';
      }
      let response: Response;
      try {
        response = await o.fetch(this.url(call.path, call.query), init);
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason;
        if (!repeatable) throw new ConnectionError(`cannot reach ${o.baseUrl}: ${(error as Error).message}`);
        await o.sleep(retryDelayMs(attempt, null, o.random), call.signal);
        continue;
      }
      if (response.ok) return response;
      const error = await errorFromResponse(response, o.now());
      if (key && raw?.repeatable !== false && isStillProcessing(error)) {
        // An earlier attempt with this key (one whose answer was lost) is still running on the gateway: its
        // answer is replayed once it is done, so wait as told and ask again. This is not a failed attempt.
        const delay = (retryAfterSeconds(response.headers.get('retry-after'), o.now()) ?? 1) * 1000;
        if (waitedForFirstMs + delay > o.maxRetryAfterMs) throw error;
        waitedForFirstMs += delay;
        await o.sleep(delay, call.signal);
        attempt--;
        continue;
      }
      if (!repeatable || !RETRY_STATUS.has(response.status)) throw error;
      const after =
        error instanceof RateLimitError
          ? error.retryAfter
          : retryAfterSeconds(response.headers.get('retry-after'), o.now());
      const delay = retryDelayMs(attempt, after, o.random);
      if (delay > o.maxRetryAfterMs) throw error;
      await o.sleep(delay, call.signal);
    }
  }

  /** Sends `call` and parses the JSON answer. */
  async json<T>(call: Call): Promise<T> {
    return (await (await this.send(call)).json()) as T;
  }
}
