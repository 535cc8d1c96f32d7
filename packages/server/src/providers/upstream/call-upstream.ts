import type { z } from 'zod';
import { parseRetryAfter } from './retry-policy.ts';
import { UpstreamError } from './upstream-error.ts';

/** `fetch` as adapters receive it (the global one, a guarded one, or a test's). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Turns an answer into an UpstreamError, or null when it is a success. */
export type Classify = (answer: {
  status: number;
  json: unknown;
  retryAfterMs?: number;
}) => UpstreamError | null;

export interface UpstreamRequest<T> {
  fetch: FetchLike;
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  /** Sent as JSON when set. */
  body?: unknown;
  timeoutMs: number;
  signal: AbortSignal;
  /** The clock, for Retry-After dates. */
  now: () => number;
  schema: z.ZodType<T>;
  classify: Classify;
}

const UNREACHED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const errors = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The usual meaning of an HTTP status, for upstreams without their own codes. */
export function errorForStatus(status: number, message: string, retryAfterMs?: number): UpstreamError {
  const details = { status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (status === 401 || status === 403) return new UpstreamError('auth', message, details);
  if (status === 402) return new UpstreamError('balance', message, details);
  if (status === 404 || status === 410) return new UpstreamError('not_found', message, details);
  if (status === 429) return new UpstreamError('rate', message, details);
  if (status >= 500) return new UpstreamError('server', message, details);
  return new UpstreamError('invalid', message, details);
}

/**
 * One JSON call to an upstream: a timeout of its own, network failures sorted into "never arrived" and
 * "may have arrived", the answer classified by the adapter, then parsed with the adapter's schema.
 */
export async function callUpstream<T>(req: UpstreamRequest<T>): Promise<T> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = AbortSignal.any([req.signal, timeout]);
  const what = `${req.method} ${new URL(req.url).pathname}`;
  let response: Response;
  let text: string;
  try {
    response = await req.fetch(req.url, {
      method: req.method,
      headers: { accept: 'application/json', ...req.headers },
      ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
      signal,
      redirect: 'error',
    });
    text = await response.text();
  } catch (error) {
    if (req.signal.aborted) throw error;
    if (timeout.aborted) throw new UpstreamError('timeout', `${what}: no answer within ${req.timeoutMs} ms`);
    const code = networkCode(error);
    if (code !== undefined && UNREACHED.has(code)) {
      throw new UpstreamError('connection', `${what}: could not connect (${code})`);
    }
    throw new UpstreamError(
      'timeout',
      `${what}: the connection failed (${code ?? (error as Error).message})`,
    );
  }
  let json: unknown;
  let parsed = true;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = false;
  }
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), req.now());
  const classified = req.classify({
    status: response.status,
    json,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
  if (classified) throw classified;
  if (!response.ok) throw errorForStatus(response.status, `${what}: HTTP ${response.status}`, retryAfterMs);
  if (!parsed)
    throw new UpstreamError('malformed', `${what}: the answer is not JSON`, { status: response.status });
  const result = req.schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UpstreamError(
      'malformed',
      `${what}: unexpected answer (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid'})`,
      { status: response.status },
    );
  }
  return result.data;
}
