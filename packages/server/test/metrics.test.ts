import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';

const TOKEN = 'metrics-token-0123456789abcdef';
const REQUEST = {
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'counted by the metrics', audioEnabled: false },
};

/** The value of one sample line (`name{labels} value`) whose name and labels contain all of `parts`. */
function sample(text: string, name: string, ...parts: string[]): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (parts.every((p) => line.includes(p))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return null;
}

const scrape = (t: TestGateway, token: string | null = TOKEN) =>
  fetch(`${t.baseUrl}/metrics`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });

/** Scrapes until `ready` holds of the text (asked again every 50 ms, for at most 10 s). */
async function scrapeUntil(t: TestGateway, ready: (text: string) => boolean): Promise<string> {
  let text = '';
  for (let i = 0; i < 200; i++) {
    text = await (await scrape(t)).text();
    if (ready(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return text;
}

describe.each(DATABASES)('/metrics on %s', (kind) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(kind, { REELAY_METRICS_TOKEN: TOKEN });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers only the metrics token, in constant-time comparison, never an API key', async () => {
    expect((await scrape(t, null)).status).toBe(401);
    expect((await scrape(t, 'metrics-token-0123456789abcdeX')).status).toBe(401);
    expect((await scrape(t, t.key)).status).toBe(401);
    const ok = await scrape(t);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('text/plain');
  });

  it('counts requests by matched route, a generation from create to success, its provider calls and the gauges', async () => {
    const created = await t.api('POST', '/api/v1/generations', REQUEST);
    expect(created.status).toBe(202);
    const id = created.json.id as string;
    const done = await waitForFinal(t, id);
    expect(done.json.status).toBe('succeeded');
    await t.api('GET', '/api/v1/generations/gen_doesnotexist');
    // The worker counts the success just after its commit, which the client may see first.
    const text = await scrapeUntil(
      t,
      (body) =>
        sample(body, 'reelay_generations_ended_total', 'provider="local"', 'status="succeeded"') === 1,
    );

    // The route pattern, never the raw URL (no generation id in any label).
    expect(text).not.toContain(id);
    expect(text).not.toContain('gen_doesnotexist');
    const created202 = sample(
      text,
      'reelay_http_request_duration_seconds_count',
      'method="POST"',
      'route="/api/v1/generations"',
      'status="202"',
    );
    expect(created202).toBe(1);
    const reads = sample(
      text,
      'reelay_http_request_duration_seconds_count',
      'method="GET"',
      'route="/api/v1/generations/:id"',
      'status="200"',
    );
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(
      sample(
        text,
        'reelay_http_request_duration_seconds_count',
        'route="/api/v1/generations/:id"',
        'status="404"',
      ),
    ).toBe(1);

    expect(
      sample(text, 'reelay_generations_created_total', 'model="kling-3.0-omni"', 'provider="local"'),
    ).toBe(1);
    expect(
      sample(
        text,
        'reelay_generations_ended_total',
        'model="kling-3.0-omni"',
        'provider="local"',
        'status="succeeded"',
      ),
    ).toBe(1);
    expect(
      sample(text, 'reelay_provider_call_duration_seconds_count', 'provider="local"', 'call="start"'),
    ).toBe(1);
    expect(
      sample(
        text,
        'reelay_provider_call_duration_seconds_count',
        'provider="local"',
        'call="status"',
        'outcome="succeeded"',
      ),
    ).toBe(1);
    expect(sample(text, 'reelay_tokens_charged_total', 'mode="test"')).toBeCloseTo(19.2, 6);

    // Read from the database at scrape time.
    expect(sample(text, 'reelay_database_up')).toBe(1);
    expect(sample(text, 'reelay_queue_due_jobs')).toBe(0);
    expect(sample(text, 'reelay_queue_oldest_due_seconds')).toBe(0);
    expect(sample(text, 'reelay_tokens_held', 'mode="test"')).toBe(0);
    expect(sample(text, 'reelay_storage_bytes', 'source="output"')).toBeGreaterThan(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('counts a cancel and shows a queued generation as due with its age', async () => {
    // The only worker stops claiming, so the next generation waits in the queue.
    await t.gateway.worker.stop();
    const queued = await t.api('POST', '/api/v1/generations', REQUEST);
    const waiting = await (await scrape(t)).text();
    expect(sample(waiting, 'reelay_queue_due_jobs')).toBe(1);
    expect(sample(waiting, 'reelay_queue_oldest_due_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(waiting, 'reelay_tokens_held', 'mode="test"')).toBeCloseTo(19.2, 6);
    expect((await t.api('POST', `/api/v1/generations/${queued.json.id}/cancel`)).status).toBe(200);
    const after = await (await scrape(t)).text();
    expect(sample(after, 'reelay_generations_ended_total', 'provider="local"', 'status="canceled"')).toBe(1);
    expect(sample(after, 'reelay_tokens_held', 'mode="test"')).toBe(0);
  });
});

describe('metrics off and on a worker-only process', () => {
  const started: TestGateway[] = [];
  afterAll(async () => {
    for (const t of started) await t.stop();
  });

  it('has no /metrics without a token', async () => {
    const t = await startGateway('pglite');
    started.push(t);
    expect((await scrape(t)).status).toBe(404);
    expect(t.gateway.metricsServer).toBeNull();
  });

  it('serves /metrics on REELAY_METRICS_PORT from a worker-only process, with the token', async () => {
    const port = await freePort();
    const t = await startGateway(
      'pglite',
      { REELAY_METRICS_TOKEN: TOKEN, REELAY_METRICS_PORT: String(port) },
      () => ({
        role: 'worker',
      }),
    );
    started.push(t);
    const url = `http://127.0.0.1:${port}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/models`)).status).toBe(404);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    const text = await ok.text();
    expect(text).toContain('role="worker"');
    expect(sample(text, 'reelay_database_up')).toBe(1);
  });
});

/** A port nothing listens on now (the kernel's pick for port 0, closed again). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
