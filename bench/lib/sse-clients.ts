import { connect, type Socket } from 'node:net';

/** Open SSE streams, one raw socket each, noting when each first received a marker after it opened. */
export interface SseStreams {
  /** performance.now() at which the stream of `id` first received the marker, if it did. */
  receivedAt: Map<string, number>;
  close(): void;
}

/**
 * Opens a stream per path (`paths[i]` for `ids[i]`) to 127.0.0.1:`port`, `concurrency` at a time, each from
 * one of `sources` loopback addresses in turn (so 10,000 sockets never run short of ephemeral ports), and
 * resolves once every one has answered 200 and sent its first bytes. A stream's first chunk containing
 * `marker` is timed into `receivedAt`.
 */
export async function openStreams(opts: {
  port: number;
  ids: string[];
  path: (id: string) => string;
  headers: Record<string, string>;
  marker: string;
  concurrency?: number;
  sources?: number;
}): Promise<SseStreams> {
  const sockets: Socket[] = [];
  const receivedAt = new Map<string, number>();
  const sources = opts.sources ?? 16;
  const head = Object.entries(opts.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const openOne = (id: string, i: number) =>
    new Promise<void>((resolve, reject) => {
      const socket = connect({
        host: '127.0.0.1',
        port: opts.port,
        localAddress: `127.0.0.${2 + (i % sources)}`,
      });
      sockets.push(socket);
      let opened = false;
      let text = '';
      socket.setNoDelay(true);
      socket.on('connect', () =>
        socket.write(
          `GET ${opts.path(id)} HTTP/1.1\r\nhost: 127.0.0.1:${opts.port}\r\naccept: text/event-stream\r\n${head}\r\n`,
        ),
      );
      socket.on('data', (chunk: Buffer) => {
        const s = chunk.toString('latin1');
        if (!opened) {
          text += s;
          if (!text.includes('\r\n\r\n')) return;
          if (!text.startsWith('HTTP/1.1 200')) {
            reject(new Error(`stream ${id} answered ${text.split('\r\n')[0]}`));
            socket.destroy();
            return;
          }
          opened = true;
          resolve();
          return;
        }
        if (!receivedAt.has(id) && s.includes(opts.marker)) receivedAt.set(id, performance.now());
      });
      socket.on('error', (e) => (opened ? undefined : reject(e)));
    });
  let next = 0;
  const worker = async () => {
    while (next < opts.ids.length) {
      const i = next++;
      await openOne(opts.ids[i] as string, i);
    }
  };
  const streams = {
    receivedAt,
    close() {
      for (const s of sockets) s.destroy();
    },
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency ?? 100 }, worker));
  } catch (error) {
    streams.close();
    throw error;
  }
  return streams;
}
