/** One Server-Sent Event as a client sees it. */
export interface SseEvent {
  id: string | null;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON data.
  data: any;
}

/**
 * Reads an event stream with fetch, parsing events as the spec says (fields up to a blank line,
 * comments ignored), until the server ends it or `stopAfter` says so (then the connection is dropped).
 */
export async function readSse(
  url: string,
  headers: Record<string, string>,
  stopAfter: (events: SseEvent[]) => boolean = () => false,
): Promise<{
  status: number;
  contentType: string | null;
  events: SseEvent[];
  ended: boolean;
  comments: number;
}> {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  let comments = 0;
  if (!response.body || response.status !== 200) {
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      events,
      ended: true,
      comments,
    };
  }
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = true;
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let cut = buffer.indexOf('\n\n');
      while (cut !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        cut = buffer.indexOf('\n\n');
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) {
            comments++;
            continue;
          }
          const colon = line.indexOf(':');
          const name = colon === -1 ? line : line.slice(0, colon);
          fields.set(name, colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, ''));
        }
        if (!fields.has('data')) continue;
        events.push({
          id: fields.get('id') ?? null,
          event: fields.get('event') ?? 'message',
          data: JSON.parse(fields.get('data') as string),
        });
        if (stopAfter(events)) {
          ended = false;
          controller.abort();
          return {
            status: response.status,
            contentType: response.headers.get('content-type'),
            events,
            ended,
            comments,
          };
        }
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    ended,
    comments,
  };
}
