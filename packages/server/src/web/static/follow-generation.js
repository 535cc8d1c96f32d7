// Follows a generation to a final state: live over its event stream (GET …/events, read with fetch so the
// key can go in a header), and by polling GET /api/v1/generations/{id} when the stream is absent or breaks.
import { api } from './api.js';

const FINAL = new Set(['succeeded', 'failed', 'canceled']);
const POLL_MS = 1000;

/** The events of a text/event-stream body: `{event, data}` for each block that carries data. */
async function* serverSentEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        else if (line.startsWith('event:')) event = line.slice(6).trim();
      }
      if (data.length > 0) yield { event, data: data.join('\n') };
      end = buffer.indexOf('\n\n');
    }
  }
}

/** The generation carried by an event, whether the data is the generation itself or wraps it. */
function generationOf(data) {
  try {
    const json = JSON.parse(data);
    const g = json?.generation ?? json?.data ?? json;
    return typeof g?.status === 'string' ? g : null;
  } catch {
    return null;
  }
}

/** Reports each status until the generation is final, then returns it as GET answers it. */
export async function followGeneration(key, id, { onUpdate, onChannel }) {
  const path = `/api/v1/generations/${encodeURIComponent(id)}`;
  const stream = new AbortController();
  try {
    const response = await fetch(`${path}/events`, {
      headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
      signal: stream.signal,
    });
    if (
      response.ok &&
      response.body &&
      /text\/event-stream/.test(response.headers.get('content-type') ?? '')
    ) {
      onChannel(true);
      for await (const event of serverSentEvents(response.body)) {
        const g = generationOf(event.data);
        if (!g) continue;
        onUpdate(g);
        if (FINAL.has(g.status)) break;
      }
    } else {
      await response.body?.cancel();
    }
  } catch {
    // No stream (or it broke): polling below carries on.
  } finally {
    stream.abort();
  }
  for (;;) {
    const g = await api(key, 'GET', path);
    if (FINAL.has(g.status)) return g;
    onChannel(false);
    onUpdate(g);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
