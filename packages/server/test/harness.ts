import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createGateway, type Gateway } from '../src/app.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { createPostgresDatabase, type DatabaseKind } from './databases.ts';

export { DATABASES, type DatabaseKind, onPostgres } from './databases.ts';

export interface TestGateway {
  gateway: Gateway;
  baseUrl: string;
  key: string;
  dataDir: string;
  /** Sends a request with the dev key (unless headers override it) and parses a JSON answer. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  stop(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers.
  json: any;
  text: string;
}

/** Starts a whole gateway (API + worker) on a fresh database of `kind`, listening on 127.0.0.1. */
export async function startGateway(
  kind: DatabaseKind,
  env: Record<string, string> = {},
  /** Extra gateway options, made from the config (e.g. a loopback provider writing into its work folder). */
  options: (config: Config) => Parameters<typeof createGateway>[1] = () => ({}),
): Promise<TestGateway> {
  const dataDir = await mkdtemp(join(tmpdir(), 'reelay-test-'));
  const pgdb = kind === 'postgres' ? await createPostgresDatabase() : null;
  const config = loadConfig({
    REELAY_DATA_DIR: dataDir,
    PORT: '0',
    REELAY_WORKER_POLL_MS: '200',
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    ...env,
  });
  const gateway = await createGateway(config, options(config));
  await gateway.http.listen({ port: 0, host: '127.0.0.1' });
  const address = gateway.http.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const key = gateway.devKey ?? '';
  return {
    gateway,
    baseUrl,
    key,
    dataDir,
    async api(method, path, body, headers = {}) {
      const isRaw = body instanceof Uint8Array || typeof body === 'string';
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body !== undefined && !isRaw ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: isRaw ? (body as BodyInit) : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: response.status, headers: response.headers, json, text };
    },
    async stop() {
      await gateway.close();
      await pgdb?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls a generation until it reaches a final state. */
export async function waitForFinal(
  t: TestGateway,
  id: string,
  headers: Record<string, string> = {},
  timeoutMs = 50_000,
): Promise<TestResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await t.api('GET', `/api/v1/generations/${id}`, undefined, headers);
    if (r.status === 404) throw new Error(`generation ${id} is not visible to this key`);
    if (['succeeded', 'failed', 'canceled'].includes(r.json?.status)) return r;
    if (Date.now() > deadline)
      throw new Error(`generation ${id} still ${r.json?.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A real PNG of the given size and colour, made with sharp. */
export async function makePng(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
}

/** Uploads bytes as an asset and returns its JSON. */
export async function upload(t: TestGateway, bytes: Buffer, contentType: string) {
  const r = await t.api('POST', '/api/v1/assets', new Uint8Array(bytes), { 'content-type': contentType });
  if (r.status !== 201) throw new Error(`upload failed: ${r.status} ${r.text}`);
  return r.json;
}
