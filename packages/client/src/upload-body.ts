/** Where upload bytes come from. A path works with `@reelay/client/node` only. */
export type UploadSource =
  | Blob
  | ArrayBuffer
  | Uint8Array
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | { path: string };

export interface TransferProgress {
  loaded: number;
  /** Null when the size is not known ahead (a stream). */
  total: number | null;
}

/** A source ready to be sent, as often as it can be made again. */
export interface OpenedSource {
  make(): ReadableStream<Uint8Array> | Blob;
  size: number | null;
  contentType: string | null;
  /** False for a one-shot stream: it is sent once and never retried. */
  repeatable: boolean;
}

/** Wraps an async iterable (a Node stream, a generator) as a web stream, pulling one chunk at a time. */
export function iterableStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}

/** Opens every source but a path (which needs the node entry). */
export function openSource(source: Exclude<UploadSource, { path: string }>): OpenedSource {
  if (source instanceof Blob) {
    return { make: () => source, size: source.size, contentType: source.type || null, repeatable: true };
  }
  if (source instanceof ArrayBuffer || source instanceof Uint8Array) {
    const blob = new Blob([source as Uint8Array<ArrayBuffer>]);
    return { make: () => blob, size: blob.size, contentType: null, repeatable: true };
  }
  const stream = source instanceof ReadableStream ? source : iterableStream(source);
  return { make: () => stream, size: null, contentType: null, repeatable: false };
}

let streamsSupported: boolean | undefined;

/**
 * Whether this runtime's fetch can send a Blob as a stream, counting bytes as they go. Node, Deno and Bun can.
 * Browsers cannot be relied on: Chromium accepts `duplex: 'half'` but refuses the request unless the connection is
 * HTTP/2 or QUIC (never so over plain http://), so there a Blob is sent whole.
 */
export function canStreamRequests(): boolean {
  if (streamsSupported === undefined) {
    const agent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? '';
    if (agent.startsWith('Mozilla/')) {
      streamsSupported = false;
      return false;
    }
    let duplexAsked = false;
    try {
      const request = new Request('http://localhost/', {
        method: 'POST',
        body: new ReadableStream(),
        get duplex() {
          duplexAsked = true;
          return 'half';
        },
      } as RequestInit);
      streamsSupported = duplexAsked && !request.headers.has('content-type');
    } catch {
      streamsSupported = false;
    }
  }
  return streamsSupported;
}

/** The body to send, counting bytes as fetch pulls them when progress is wanted. */
export function progressBody(
  opened: OpenedSource,
  onProgress: ((p: TransferProgress) => void) | undefined,
): ReadableStream<Uint8Array> | Blob {
  const body = opened.make();
  if (!onProgress) return body;
  if (body instanceof Blob && !canStreamRequests()) return body;
  const stream = body instanceof Blob ? (body.stream() as ReadableStream<Uint8Array>) : body;
  let loaded = 0;
  onProgress({ loaded, total: opened.size });
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        onProgress({ loaded, total: opened.size });
        controller.enqueue(chunk);
      },
    }),
  );
}
