import type { Agent, fetch as UndiciFetch } from 'undici';
import type { AddressDecision, Dial, Resolver } from './guarded-connector.ts';
import { findGuardedFetchError, GuardedFetchError } from './guarded-fetch-error.ts';

export type {
  AddressDecision,
  CheckedAddress,
  Dial,
  ResolvedAddress,
  Resolver,
} from './guarded-connector.ts';
export { GuardedFetchError, type GuardedFetchErrorCode } from './guarded-fetch-error.ts';

/** How the outbound fetcher behaves; every field has a safe default. */
export interface GuardedFetchOptions {
  /** DNS lookup (the system resolver by default); tests inject one that decides without the network. */
  resolver?: Resolver;
  /** Allow plain http:// (development only). */
  allowHttp?: boolean;
  /** Allow loopback, private and other non-public addresses (development and tests only). */
  allowPrivateAddresses?: boolean;
  /** Resolving plus opening the connection, in ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** The whole exchange including reading the body, in ms. Default 60 000. */
  totalTimeoutMs?: number;
  /** Largest body read, in bytes. Default 100 MiB; a call may lower or raise it with `init.maxBytes`. */
  maxBytes?: number;
  /** Redirects followed, each re-checked like the first URL. Default 3. */
  maxRedirects?: number;
  /** Where to connect for a checked address (see {@link Dial}); tests keep traffic on loopback with it. */
  dial?: Dial;
  /** Called with every address decision, allowed or refused (for logs and tests). */
  onDecision?: (decision: AddressDecision) => void;
  /** Extra trusted certificate authorities (PEM). */
  ca?: string | readonly string[];
}

/** `fetch`'s init plus per-call limits. */
export interface GuardedRequestInit extends RequestInit {
  maxBytes?: number;
  totalTimeoutMs?: number;
}

/** A `fetch` that only reaches public addresses; `close` ends its idle connections. */
export type GuardedFetch = ((
  input: string | URL | Request,
  init?: GuardedRequestInit,
) => Promise<Response>) & {
  close(): Promise<void>;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([204, 205, 304]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

type Body = string | Uint8Array | ArrayBuffer | URLSearchParams | Blob | ReadableStream | null;

interface Hop {
  url: URL;
  method: string;
  headers: Headers;
  body: Body;
}

/**
 * Creates the one outbound fetcher of the gateway (input URLs, upstream outputs, webhooks). It refuses
 * non-https URLs (unless `allowHttp`), URLs with credentials, and any host whose address is loopback,
 * private, link-local (cloud metadata), CGNAT, multicast, unspecified or otherwise not public, in any
 * spelling; it resolves each host once and connects to the address it checked; it follows at most
 * `maxRedirects` redirects, checking each; and it enforces connect and total timeouts and a byte cap.
 * Every refusal or failure is a {@link GuardedFetchError}.
 */
export function createGuardedFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  const defaults = {
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    totalTimeoutMs: options.totalTimeoutMs ?? 60_000,
    maxBytes: options.maxBytes ?? 100 * 1024 * 1024,
    maxRedirects: options.maxRedirects ?? 3,
  };
  // undici and the connector are loaded with the first request, not at start: many gateways send none for a
  // long time (the embedded default may never), and loading undici is a tenth of a second of start-up.
  let client: Promise<{ fetch: typeof UndiciFetch; agent: Agent }> | undefined;
  const connect = () => {
    client ??= Promise.all([import('undici'), import('./guarded-connector.ts')]).then(([undici, guard]) => ({
      fetch: undici.fetch,
      agent: new undici.Agent({
        connect: guard.guardedConnector({
          resolver: options.resolver ?? guard.systemResolver,
          allowPrivateAddresses: options.allowPrivateAddresses ?? false,
          connectTimeoutMs: defaults.connectTimeoutMs,
          ...(options.dial ? { dial: options.dial } : {}),
          ...(options.onDecision ? { onDecision: options.onDecision } : {}),
          ...(options.ca !== undefined ? { ca: options.ca } : {}),
        }),
      }),
    }));
    return client;
  };

  const checkUrl = (raw: string | URL, base?: URL): URL => {
    let url: URL;
    try {
      url = new URL(raw, base);
    } catch {
      throw new GuardedFetchError('invalid_url', `${String(raw)} is not a valid URL`);
    }
    const allowed = url.protocol === 'https:' || (options.allowHttp === true && url.protocol === 'http:');
    if (!allowed) {
      throw new GuardedFetchError(
        'scheme_not_allowed',
        `only https:// URLs are fetched; got ${url.protocol.replace(/:$/, '')}://`,
      );
    }
    if (url.username !== '' || url.password !== '') {
      throw new GuardedFetchError('invalid_url', 'URLs with a user name or password are not fetched');
    }
    return url;
  };

  const guardedFetch = async (input: string | URL | Request, init: GuardedRequestInit = {}) => {
    const { maxBytes = defaults.maxBytes, totalTimeoutMs = defaults.totalTimeoutMs, ...rest } = init;
    const first = await firstHop(input, rest, checkUrl);
    const timeout = AbortSignal.timeout(totalTimeoutMs);
    const callerSignal = rest.signal ?? (input instanceof Request ? input.signal : undefined);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    const redirectMode = rest.redirect ?? 'follow';
    const { fetch: undiciFetch, agent } = await connect();
    let hop = first;
    for (let count = 0; ; count++) {
      let response: Response;
      try {
        response = (await undiciFetch(hop.url, {
          ...(rest as object),
          method: hop.method,
          headers: [...hop.headers],
          body: hop.body as never,
          redirect: 'manual',
          signal,
          dispatcher: agent,
          ...(hop.body instanceof ReadableStream ? { duplex: 'half' } : {}),
        } as never)) as unknown as Response;
      } catch (error) {
        throw failure(error, timeout, hop.url, totalTimeoutMs);
      }
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null || redirectMode === 'manual') {
        return capped(response, hop.url, count > 0, maxBytes, timeout, totalTimeoutMs);
      }
      await response.body?.cancel();
      if (redirectMode === 'error') {
        throw new GuardedFetchError('redirect_not_followed', `${hop.url.host} answered with a redirect`);
      }
      if (count >= defaults.maxRedirects) {
        throw new GuardedFetchError(
          'too_many_redirects',
          `more than ${defaults.maxRedirects} redirects, the last to ${location}`,
        );
      }
      hop = nextHop(hop, response.status, checkUrl(location, hop.url));
    }
  };
  return Object.assign(guardedFetch, {
    close: async () => {
      if (client) await (await client).agent.close();
    },
  });
}

async function firstHop(
  input: string | URL | Request,
  init: RequestInit,
  checkUrl: (raw: string | URL) => URL,
): Promise<Hop> {
  if (input instanceof Request) {
    const body = init.body ?? (input.body ? await input.arrayBuffer() : null);
    return {
      url: checkUrl(input.url),
      method: init.method ?? input.method,
      headers: new Headers(init.headers ?? input.headers),
      body: body as Body,
    };
  }
  return {
    url: checkUrl(input),
    method: (init.method ?? 'GET').toUpperCase(),
    headers: new Headers(init.headers),
    body: (init.body ?? null) as Body,
  };
}

/** The request after a redirect: 303 (and 301/302 after a POST) become a GET; credentials stay on their origin. */
function nextHop(hop: Hop, status: number, url: URL): Hop {
  const headers = new Headers(hop.headers);
  if (url.origin !== hop.url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
  const toGet =
    (status === 303 && hop.method !== 'HEAD') ||
    ((status === 301 || status === 302) && hop.method === 'POST');
  if (toGet) {
    for (const name of ['content-type', 'content-length', 'content-encoding']) headers.delete(name);
    return { url, method: 'GET', headers, body: null };
  }
  if (hop.body instanceof ReadableStream) {
    throw new GuardedFetchError(
      'redirect_not_followed',
      `${hop.url.host} redirected a request whose streamed body cannot be sent twice`,
    );
  }
  return { url, method: hop.method, headers, body: hop.body };
}

function failure(error: unknown, timeout: AbortSignal, url: URL, totalTimeoutMs: number): unknown {
  const guarded = findGuardedFetchError(error);
  if (guarded) return guarded;
  if (timeout.aborted) {
    return new GuardedFetchError('timeout', `fetching ${url.host} took longer than ${totalTimeoutMs} ms`);
  }
  if (error instanceof Error && error.name === 'AbortError') return error;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
  return new GuardedFetchError('connection_failed', `could not fetch from ${url.host}: ${cause}`, {
    cause: error,
  });
}

/** The response with its body counted: more than `maxBytes` fails the read with `too_large`. */
function capped(
  response: Response,
  url: URL,
  redirected: boolean,
  maxBytes: number,
  timeout: AbortSignal,
  totalTimeoutMs: number,
): Response {
  const tooLarge = () =>
    new GuardedFetchError('too_large', `the response from ${url.host} is larger than ${maxBytes} bytes`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    void response.body?.cancel();
    throw tooLarge();
  }
  let body: ReadableStream<Uint8Array> | null = null;
  const source = response.body;
  if (source !== null && !NULL_BODY.has(response.status)) {
    const reader = source.getReader();
    let seen = 0;
    body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            return;
          }
          seen += value.byteLength;
          if (seen > maxBytes) {
            const error = tooLarge();
            controller.error(error);
            await reader.cancel(error);
            return;
          }
          controller.enqueue(value);
        } catch (error) {
          controller.error(failure(error, timeout, url, totalTimeoutMs));
        }
      },
      cancel: (reason) => reader.cancel(reason),
    });
  }
  const out = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
  });
  Object.defineProperty(out, 'url', { value: url.href });
  Object.defineProperty(out, 'redirected', { value: redirected });
  return out;
}
