import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect } from 'vitest';

/** One recorded exchange: the request the gateway must send and the upstream's answer. */
export interface Exchange {
  request: {
    method: string;
    /** Path and query, after `{{base}}` is replaced. */
    path: string;
    /** Headers the request must carry with exactly these values (names in lower case). */
    headers?: Record<string, string>;
    /** The exact JSON body (compared byte for byte with its JSON.stringify). */
    body?: unknown;
  };
  response: {
    status: number;
    headers?: Record<string, string>;
    /** JSON, sent as is; `{{base}}` in strings becomes the server's origin. */
    body?: unknown;
    /** Sent verbatim instead of `body` (malformed answers). */
    raw?: string;
    /** Never answered: the connection stays open (timeouts). */
    hang?: boolean;
  };
}

/** A fixture file under `__fixtures__`: what happens, then the exchanges in order. */
export interface Fixture {
  description: string;
  exchanges: Exchange[];
}

export function loadFixture(url: URL): Fixture {
  return JSON.parse(readFileSync(url, 'utf8')) as Fixture;
}

/** What the server received. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * An upstream on 127.0.0.1 that replays recorded exchanges in order: each request is answered with the
 * next recorded response, whatever it is; `received` keeps what was actually sent, for the test to
 * compare with the recording (`expectRecorded`). A request past the end is answered 599.
 */
export interface ReplayServer {
  base: string;
  received: Received[];
  /** Appends exchanges (e.g. a second fixture). */
  push(...exchanges: Exchange[]): void;
  /** Serves `path` with a fixed handler outside the sequence (output files). */
  serve(path: string, handler: (response: ServerResponse) => void): void;
  /** Exchanges not yet used. */
  remaining(): number;
  close(): Promise<void>;
}

const fill = (value: unknown, base: string): unknown =>
  JSON.parse(JSON.stringify(value).replaceAll('{{base}}', base));

export async function startReplay(...fixtures: Fixture[]): Promise<ReplayServer> {
  const queue: Exchange[] = fixtures.flatMap((f) => f.exchanges);
  const received: Received[] = [];
  const fixed = new Map<string, (response: ServerResponse) => void>();
  const sockets = new Set<Socket>();
  let base = '';
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const path = request.url ?? '/';
      const handler = fixed.get(new URL(path, base).pathname);
      if (handler) {
        handler(response);
        return;
      }
      received.push({
        method: request.method ?? '',
        path,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const next = queue.shift();
      if (!next) {
        response.writeHead(599, { 'content-type': 'text/plain' }).end('no recorded exchange left');
        return;
      }
      const r = next.response;
      if (r.hang) return;
      const text = r.raw ?? (r.body === undefined ? '' : JSON.stringify(fill(r.body, base)));
      response.writeHead(r.status, {
        ...(r.raw === undefined && r.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...r.headers,
      });
      response.end(text);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    push: (...exchanges) => void queue.push(...exchanges),
    serve: (path, handler) => void fixed.set(path, handler),
    remaining: () => queue.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The recorded requests with `{{base}}` filled in, to compare with `received`. */
export function expectedRequests(fixture: Fixture, base: string): Exchange['request'][] {
  return fixture.exchanges.map((e) => fill(e.request, base) as Exchange['request']);
}

/** Every request the server received matched the recording: method, path, headers, exact body bytes. */
export function expectRecorded(fixture: Fixture, server: ReplayServer): void {
  expect(server.received.map((r) => `${r.method} ${r.path}`)).toEqual(
    fixture.exchanges.slice(0, server.received.length).map((e) => `${e.request.method} ${e.request.path}`),
  );
  server.received.forEach((r, i) => {
    const recorded = fixture.exchanges[i]?.request;
    for (const [name, value] of Object.entries(recorded?.headers ?? {})) expect(r.headers[name]).toBe(value);
    if (recorded?.body !== undefined) expect(r.body).toBe(JSON.stringify(recorded.body));
    else expect(r.body).toBe('');
  });
}
