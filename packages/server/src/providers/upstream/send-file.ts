import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { errorForStatus, type FetchLike } from './call-upstream.ts';
import { UpstreamError } from './upstream-error.ts';

/** Bytes per second an upload is given at least, on top of the usual timeout, before it is abandoned. */
const MIN_UPLOAD_RATE = 256 * 1024;

/** The time an upload of `bytes` may take. */
export const uploadTimeoutMs = (timeoutMs: number, bytes: number) =>
  timeoutMs + Math.ceil((bytes / MIN_UPLOAD_RATE) * 1000);

/** The bytes of a file (or of `range` of it, both ends included), streamed from disk as parts of a request body. */
export function fileParts(
  path: string,
  range?: { start: number; end: number },
  before?: Buffer,
  after?: Buffer,
): ReadableStream<Uint8Array> {
  async function* parts() {
    if (before) yield before;
    for await (const chunk of createReadStream(path, range)) yield chunk as Buffer;
    if (after) yield after;
  }
  return Readable.toWeb(Readable.from(parts())) as ReadableStream<Uint8Array>;
}

/**
 * Sends a streamed body (nothing of it held in memory) and returns the answer, or throws an UpstreamError for a
 * failed exchange or a status that is not 2xx. `what` names the call in messages.
 */
export async function sendStream(
  fetch: FetchLike,
  what: string,
  url: string,
  init: { method: 'PUT' | 'POST'; headers: Record<string, string>; body: ReadableStream<Uint8Array> },
  limits: { timeoutMs: number; signal: AbortSignal },
): Promise<Response> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers: init.headers,
      body: init.body,
      duplex: 'half',
      redirect: 'error',
      signal: AbortSignal.any([limits.signal, timeout]),
      totalTimeoutMs: limits.timeoutMs,
    } as RequestInit);
  } catch (error) {
    if (limits.signal.aborted) throw error;
    throw new UpstreamError('connection', `${what}: the upload failed (${(error as Error).message})`);
  }
  if (!response.ok) {
    const detail = (await response.text().catch(() => '')).slice(0, 200);
    throw errorForStatus(response.status, `${what}: HTTP ${response.status}${detail ? `: ${detail}` : ''}`);
  }
  return response;
}
