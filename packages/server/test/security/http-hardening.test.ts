import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/app.ts';
import { loadSigningSecret } from '../../src/assets/signing-secret.ts';
import { UrlSigner } from '../../src/assets/url-signer.ts';
import { loadConfig } from '../../src/config.ts';
import { makePng, startGateway, type TestGateway, upload } from '../harness.ts';
import { rawRequest } from './raw-request.ts';

const ADMIN = 'admin-key-for-http-hardening-0123';

/** Opens a connection to the gateway and resolves when the gateway closes it. */
function openSocket(baseUrl: string): { socket: Socket; closed: Promise<string> } {
  const { port } = new URL(baseUrl);
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString();
  });
  const closed = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(received));
    socket.on('error', () => undefined);
  });
  return { socket, closed };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** A signed link to an asset, as the generations API hands out for outputs. */
async function signedUrl(t: TestGateway, assetId: string): Promise<string> {
  const secret = await loadSigningSecret(null, t.dataDir);
  const { expires, signature } = new UrlSigner(secret).sign(assetId, Math.floor(Date.now() / 1000) + 600);
  return `${t.baseUrl}/files/${assetId}?expires=${expires}&signature=${signature}`;
}

describe('slow clients, callbacks, limits and headers', () => {
  let t: TestGateway;
  const log: string[] = [];
  beforeAll(async () => {
    t = await startGateway(
      'pglite',
      {
        REELAY_IDLE_TIMEOUT_MS: '400',
        REELAY_HEADERS_TIMEOUT_MS: '400',
        REELAY_SSE_HEARTBEAT_MS: '150',
        REELAY_REPLICATE_API_TOKEN: 'r8_test_token_for_callbacks',
        REELAY_REPLICATE_BASE_URL: 'http://127.0.0.1:9',
        REELAY_ADMIN_KEY: ADMIN,
      },
      () => ({
        logger: {
          level: 'info',
          stream: new Writable({
            write(chunk, _encoding, done) {
              log.push(chunk.toString());
              done();
            },
          }),
        },
      }),
    );
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('closes a connection whose headers never finish', async () => {
    const { socket, closed } = openSocket(t.baseUrl);
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    await closed;
    expect(socket.destroyed).toBe(true);
  });

  it('closes a JSON body that stops mid-way', async () => {
    const { socket, closed } = openSocket(t.baseUrl);
    socket.write(
      `POST /api/v1/quotes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.key}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":"video",',
    );
    const answer = await closed;
    expect(answer).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it('closes an upload that stops mid-way and leaves no file behind', async () => {
    const incoming = join(t.dataDir, 'storage');
    const before = await filesUnder(incoming);
    const { socket, closed } = openSocket(t.baseUrl);
    socket.write(
      `POST /api/v1/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.key}\r\n` +
        'Content-Type: image/png\r\nContent-Length: 10000000\r\n\r\n',
    );
    socket.write(Buffer.alloc(64 * 1024, 7));
    await closed;
    for (let i = 0; i < 50 && (await filesUnder(incoming)).length > before.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await filesUnder(incoming)).toEqual(before);
  });

  it('keeps a Prefer: wait answer and an event stream open past the idle limit', async () => {
    const created = await t.api(
      'POST',
      '/api/v1/generations',
      { type: 'image', model: 'nano-banana-2', input: { prompt: 'waits past the idle limit' } },
      { prefer: 'wait=30' },
    );
    expect(created.status, created.text).toBe(200);
    expect(created.json.status).toBe('succeeded');

    const second = await t.api('POST', '/api/v1/generations', {
      type: 'image',
      model: 'nano-banana-2',
      input: { prompt: 'streamed past the idle limit' },
    });
    const stream = await fetch(`${t.baseUrl}/api/v1/generations/${second.json.id}/events`, {
      headers: { authorization: `Bearer ${t.key}` },
    });
    const text = await stream.text();
    expect(text).toContain('succeeded');
  });

  it('refuses a callback for an unknown or unconfigured provider before reading its body', async () => {
    for (const provider of ['nope', 'local']) {
      const { socket, closed } = openSocket(t.baseUrl);
      // Headers announce 40 MB; none of it is sent, and the answer comes anyway.
      socket.write(
        `POST /callbacks/${provider} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40000000\r\n\r\n`,
      );
      const answer = await Promise.race([
        closed,
        new Promise<string>((resolve) => {
          socket.on('data', (chunk) => resolve(chunk.toString()));
        }),
      ]);
      socket.destroy();
      expect(answer).toMatch(/^HTTP\/1\.1 404/);
    }
  });

  it('caps a configured provider callback body and checks its signature', async () => {
    const big = await rawRequest(t.baseUrl, 'POST', '/callbacks/replicate', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'x', status: 'succeeded', logs: 'x'.repeat(100_000) }),
    });
    expect(big.status).toBe(413);
    const unsigned = await rawRequest(t.baseUrl, 'POST', '/callbacks/replicate', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'x', status: 'succeeded' }),
    });
    expect([401, 403]).toContain(unsigned.status);
  });

  it('bounds JSON depth when parsing and answers in the error JSON', async () => {
    for (const depth of [100, 100_000, 2_000_000]) {
      const r = await t.api('POST', '/api/v1/quotes', '['.repeat(depth), {
        'content-type': 'application/json',
      });
      expect(r.status, `depth ${depth}`).toBe(400);
      expect(r.json.error.code).toBe('invalid_json');
      expect(r.json.error.param).toBe('body');
    }
    const deepInput = { type: 'video', model: 'kling-3.0-omni', input: { prompt: 'x', extra: [[[[[[]]]]]] } };
    expect((await t.api('POST', '/api/v1/quotes', deepInput)).status).toBe(422);
  });

  it('answers numbers and dates the database cannot hold with a 400 naming them', async () => {
    for (const [path, param] of [
      ['/api/v1/ledger?cursor=1e23', 'cursor'],
      ['/api/v1/ledger?cursor=99999999999999999999', 'cursor'],
      ['/api/v1/ledger?cursor=-1', 'cursor'],
      ['/api/v1/ledger?limit=1e2', 'limit'],
      ['/api/v1/usage?from=300000-01-01', 'from'],
      ['/api/v1/usage?from=-271821-04-20T00:00:00Z', 'from'],
      ['/api/v1/usage?to=2026-13-45', 'to'],
      ['/api/v1/usage?to=infinity', 'to'],
      ['/api/v1/usage?from=0001-01-01', 'from'],
    ] as const) {
      const r = await t.api('GET', path);
      expect(r.status, `${path}: ${r.text}`).toBe(400);
      expect(r.json.error.param).toBe(param);
    }
    expect((await t.api('GET', '/api/v1/usage?from=2026-01-01&to=2026-02-01T00:00:00Z')).status).toBe(200);
  });

  it('sends nosniff, no framing and a sandbox for stored files', async () => {
    const docs = await fetch(`${t.baseUrl}/docs`);
    const docsPolicy = docs.headers.get('content-security-policy') ?? '';
    expect(docsPolicy).toContain("frame-ancestors 'none'");
    expect(docsPolicy).toContain("default-src 'none'");
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');

    const account = await t.api('GET', '/api/v1/account');
    expect(account.headers.get('x-content-type-options')).toBe('nosniff');
    expect(account.headers.get('content-security-policy')).toContain("default-src 'none'");

    const asset = await upload(t, await makePng(320, 320, [10, 20, 30]), 'image/png');
    for (const url of [`${t.baseUrl}/api/v1/assets/${asset.id}/content`, await signedUrl(t, asset.id)]) {
      const r = await fetch(url, { headers: { authorization: `Bearer ${t.key}` } });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('content-security-policy')).toMatch(/^sandbox allow-same-origin;/);
      expect(r.headers.get('content-disposition')).toBe(`inline; filename="${asset.id}.png"`);
    }
  });

  it('writes no signature of a signed link to the log', async () => {
    const asset = await upload(t, await makePng(300, 300, [1, 2, 3]), 'image/png');
    const url = await signedUrl(t, asset.id);
    const signature = new URL(url).searchParams.get('signature') ?? '';
    expect(signature.length).toBeGreaterThan(10);
    expect((await fetch(url)).status).toBe(200);
    // A request's one log line is written once its answer has gone out, which the client may see first.
    await expect.poll(() => log.join(''), { timeout: 5000 }).toContain(`/files/${asset.id}?expires=`);
    const lines = log.join('');
    expect(lines).toContain('signature=[redacted]');
    expect(lines).not.toContain(signature);
    expect(lines).not.toContain(t.key);
  });
});

describe('the development account', () => {
  let dataDir = '';
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('stops, and its key stops working, once other accounts have live keys, unless turned on', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reelay-dev-account-'));
    const start = async (env: Record<string, string> = {}) => {
      const gateway = await createGateway(
        loadConfig({ REELAY_DATA_DIR: dataDir, PORT: '0', REELAY_ADMIN_KEY: ADMIN, ...env }),
      );
      await gateway.http.listen({ port: 0, host: '127.0.0.1' });
      const address = gateway.http.server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      return { gateway, base: `http://127.0.0.1:${address.port}` };
    };
    const call = (base: string, path: string, key: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });

    const first = await start();
    const devKey = first.gateway.devKey ?? '';
    expect(devKey).toMatch(/^rl_test_/);
    expect((await call(first.base, '/api/v1/account', devKey)).status).toBe(200);
    const customer = (await (
      await call(first.base, '/api/v1/admin/accounts', ADMIN, { name: 'Customer' })
    ).json()) as {
      id: string;
    };
    const key = await call(first.base, `/api/v1/admin/accounts/${customer.id}/keys`, ADMIN, { mode: 'live' });
    expect(key.status).toBe(201);
    await first.gateway.close();

    const second = await start();
    expect(second.gateway.devKey).toBeNull();
    expect(second.gateway.devAccountNote).toContain('REELAY_DEV_ACCOUNT=on');
    expect((await call(second.base, '/api/v1/account', devKey)).status).toBe(401);
    await second.gateway.close();

    // Turned on again, it gets a new key: a revoked key never comes back.
    const third = await start({ REELAY_DEV_ACCOUNT: 'on' });
    const newKey = third.gateway.devKey ?? '';
    expect(newKey).toMatch(/^rl_test_/);
    expect(newKey).not.toBe(devKey);
    expect((await call(third.base, '/api/v1/account', newKey)).status).toBe(200);
    expect((await call(third.base, '/api/v1/account', devKey)).status).toBe(401);
    await third.gateway.close();
  });
});
