import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A certificate for public.test, files.test, localhost and 127.0.0.1, signed by itself (its own CA). */
export const TEST_TLS = {
  cert: readFileSync(join(import.meta.dirname, 'fixtures/tls/cert.pem'), 'utf8'),
  key: readFileSync(join(import.meta.dirname, 'fixtures/tls/key.pem'), 'utf8'),
};

/** What the origin saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Route = (request: IncomingMessage, response: ServerResponse, body: string) => void;

/** An HTTP or HTTPS server on 127.0.0.1 with routes by path, recording every request it gets. */
export interface LoopbackOrigin {
  port: number;
  seen: SeenRequest[];
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

/** Starts an origin on 127.0.0.1 (an ephemeral port); `tls` makes it HTTPS with {@link TEST_TLS}. */
export async function startLoopbackOrigin(tls = false): Promise<LoopbackOrigin> {
  const routes = new Map<string, Route>();
  const seen: SeenRequest[] = [];
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const route = routes.get(new URL(request.url ?? '/', 'http://x').pathname);
      if (route) route(request, response, body);
      else response.writeHead(404).end('no route');
    });
  };
  const server = tls ? createHttpsServer(TEST_TLS, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    route: (path, route) => void routes.set(path, route),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
