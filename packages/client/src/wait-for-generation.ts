import { EventSourceParserStream } from 'eventsource-parser/stream';
import { ConnectionError, NotFoundError } from './errors.ts';
import type { Transport } from './transport.ts';
import type { Generation, GenerationEvent, GenerationStatus, WaitProgress } from './types.ts';

export interface WaitOptions {
  /** Called on every status change or progress step. */
  onProgress?: (progress: WaitProgress) => void;
  signal?: AbortSignal;
  /** How often to poll when the event stream is unavailable (default 1000 ms). */
  pollIntervalMs?: number;
  /** Follow the event stream first (default true); false polls from the start. */
  events?: boolean;
}

const FINAL: readonly GenerationStatus[] = ['succeeded', 'failed', 'canceled'];
/** Reconnections of a broken event stream before falling back to polling. */
const STREAM_ATTEMPTS = 3;

const get = (t: Transport, id: string, signal?: AbortSignal) =>
  t.json<Generation>({ method: 'GET', path: `/api/v1/generations/${encodeURIComponent(id)}`, signal });

/**
 * Follows `GET …/events`, resuming after the last event id when the stream breaks. Returns the final
 * generation, or null when there is no event stream (404, another content type) or it keeps breaking.
 */
async function followEvents(t: Transport, id: string, o: WaitOptions): Promise<Generation | null> {
  let lastId: string | undefined;
  for (let attempt = 0; attempt < STREAM_ATTEMPTS; attempt++) {
    let response: Response;
    try {
      response = await t.send({
        method: 'GET',
        path: `/api/v1/generations/${encodeURIComponent(id)}/events`,
        accept: 'text/event-stream',
        headers: lastId ? { 'last-event-id': lastId } : {},
        signal: o.signal,
      });
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      if (error instanceof ConnectionError) continue;
      throw error;
    }
    if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) return null;
    const reader = response.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (value.id) lastId = value.id;
        const data = JSON.parse(value.data) as GenerationEvent;
        o.onProgress?.({ status: data.status, progress: data.progress ?? null, via: 'events' });
        if (FINAL.includes(data.status)) return data.generation ?? (await get(t, id, o.signal));
      }
    } catch (error) {
      if (o.signal?.aborted) throw o.signal.reason;
      if (error instanceof SyntaxError) return null;
    } finally {
      // Cancelling the reader closes the connection through the pipes.
      await reader.cancel().catch(() => {});
    }
  }
  return null;
}

async function poll(t: Transport, id: string, o: WaitOptions): Promise<Generation> {
  let last = '';
  for (;;) {
    const g = await get(t, id, o.signal);
    const seen = `${g.status} ${g.progress ?? ''}`;
    if (seen !== last) o.onProgress?.({ status: g.status, progress: g.progress ?? null, via: 'polling' });
    last = seen;
    if (FINAL.includes(g.status)) return g;
    await t.options.sleep(o.pollIntervalMs ?? 1000, o.signal);
  }
}

/** Resolves with the generation once it has succeeded, failed or been canceled. */
export async function waitForGeneration(t: Transport, id: string, o: WaitOptions = {}): Promise<Generation> {
  if (o.events !== false) {
    const final = await followEvents(t, id, o);
    if (final) return final;
  }
  return poll(t, id, o);
}
