import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';

const ADMIN_KEY = 'admin-key-for-log-test-0123456789';
const METRICS_TOKEN = 'metrics-token-for-log-test-0123';
const WEBHOOK_TOKEN = 'hook-query-token-9f8e7d6c5b4a';
const STRANGER_KEY = 'rl_test_NotAKeyOfAnyAccount0123456789';
const QUERY_TOKEN = 'query-token-abcdefghijklmnop';

describe.each(DATABASES)('log lines on %s', (kind) => {
  const lines: string[] = [];
  let t: TestGateway;
  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    t = await startGateway(
      kind,
      {
        REELAY_ADMIN_KEY: ADMIN_KEY,
        REELAY_METRICS_TOKEN: METRICS_TOKEN,
        REELAY_FETCH_ALLOW_HTTP: '1',
        REELAY_FETCH_ALLOW_PRIVATE: '1',
        REELAY_WEBHOOK_BACKOFF_MS: '60000',
      },
      () => ({ logger: { level: 'debug', stream } }),
    );
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('writes one JSON line per request and no key, token, signature or webhook secret in any line', async () => {
    const before = lines.length;
    const hookPort = await closedPort();
    const created = await t.api('POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'log lines', audioEnabled: false },
      webhookUrl: `http://127.0.0.1:${hookPort}/hook?token=${WEBHOOK_TOKEN}`,
    });
    expect(created.status).toBe(202);
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status).toBe('succeeded');
    const link = new URL(done.json.outputs[0].url as string);
    const signature = link.searchParams.get('signature') ?? '';
    expect(signature.length).toBeGreaterThan(10);
    expect((await fetch(`${t.baseUrl}${link.pathname}${link.search}`)).status).toBe(200);
    const webhookSecret = (await t.api('GET', '/api/v1/webhooks/secret')).json.secret as string;
    expect(webhookSecret).toMatch(/^whsec_/);
    expect(
      (
        await t.api(
          'POST',
          '/api/v1/admin/accounts',
          { name: 'logged' },
          { authorization: `Bearer ${ADMIN_KEY}` },
        )
      ).status,
    ).toBe(201);
    expect(
      (await t.api('GET', '/api/v1/account', undefined, { authorization: `Bearer ${STRANGER_KEY}` })).status,
    ).toBe(401);
    expect((await t.api('GET', `/api/v1/models?token=${QUERY_TOKEN}`)).status).toBe(200);
    expect(
      (await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status,
    ).toBe(200);
    // The webhook's attempt to a closed port has been made (and failed) by now.
    await waitFor(async () => {
      const deliveries = (await t.api('GET', '/api/v1/webhooks/deliveries')).json.data as {
        attempts: number;
      }[];
      return deliveries.some((d) => d.attempts > 0);
    });

    const written = lines.slice(before);
    const secrets = [
      t.key,
      ADMIN_KEY,
      METRICS_TOKEN,
      WEBHOOK_TOKEN,
      STRANGER_KEY,
      QUERY_TOKEN,
      signature,
      webhookSecret,
    ];
    for (const line of written) {
      for (const secret of secrets) expect(line).not.toContain(secret);
      expect(() => JSON.parse(line)).not.toThrow();
    }
    // One line per request, none for its arrival; each with its id, method, route and status.
    expect(written.some((line) => line.includes('incoming request'))).toBe(false);
    const requests = written.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
    const ids = requests.map((l) => l.reqId);
    expect(new Set(ids).size).toBe(ids.length);
    const files = requests.find((l) => String(l.req.url).startsWith('/files/'));
    expect(files.req.url).toContain('signature=[redacted]');
    expect(files.res.statusCode).toBe(200);
    expect(typeof files.responseTime).toBe('number');
    const models = requests.find((l) => String(l.req.url).startsWith('/api/v1/models?'));
    expect(models.req.url).toBe('/api/v1/models?token=[redacted]');
  });
});

async function waitFor(probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('gave up waiting');
}

/** A loopback port nothing listens on (the kernel's pick for port 0, closed again). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
