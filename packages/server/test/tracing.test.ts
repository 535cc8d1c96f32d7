import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otelTracing } from '../src/observability/otel-tracing.ts';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';

const REQUEST = {
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'one trace end to end', audioEnabled: false },
};

/** The finished spans once `ready` holds of them (asked again every 50 ms, for at most 10 s). */
async function finishedWhen(
  exporter: InMemorySpanExporter,
  ready: (spans: ReadableSpan[]) => boolean,
): Promise<ReadableSpan[]> {
  for (let i = 0; i < 200; i++) {
    const spans = exporter.getFinishedSpans();
    if (ready(spans)) return spans;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return exporter.getFinishedSpans();
}

/** The parent span id of a span (the SDK's field for it). */
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe.each(DATABASES)('traces of one generation on the local renderer, on %s', (kind) => {
  const exporter = new InMemorySpanExporter();
  const lines: Record<string, unknown>[] = [];
  let t: TestGateway;
  /** A webhook receiver on loopback that answers 503 to each delivery's first attempt and 204 to the next. */
  let receiver: Server;
  const attempted = new Set<string>();
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const id = String(req.headers['webhook-id']);
        res.writeHead(attempted.has(id) ? 204 : 503).end();
        attempted.add(id);
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    t = await startGateway(
      kind,
      {
        REELAY_FETCH_ALLOW_HTTP: 'on',
        REELAY_FETCH_ALLOW_PRIVATE: 'on',
        REELAY_WEBHOOK_BACKOFF_MS: '20',
        REELAY_WEBHOOK_BACKOFF_MAX_MS: '50',
      },
      () => ({
        tracing: otelTracing(new SimpleSpanProcessor({ exporter }), 'reelay-test'),
        logger: { level: 'info', stream },
      }),
    );
  });
  afterAll(async () => {
    await t?.stop();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  it('runs from the create through every worker step to the provider calls and the stored output', async () => {
    const created = await t.api('POST', '/api/v1/generations', REQUEST);
    expect(created.status).toBe(202);
    const id = created.json.id as string;
    expect((await waitForFinal(t, id)).json.status).toBe('succeeded');

    // The step that stored the output ends just after its commit, which the client may see first.
    const spans = await finishedWhen(exporter, (all) => {
      const stored = all.find((s) => s.name === 'generation.store_output');
      return stored !== undefined && all.some((s) => s.spanContext().spanId === parentOf(stored));
    });
    const create = spans.find(
      (s) => s.name === 'generation.create' && s.attributes['reelay.generation_id'] === id,
    );
    expect(create).toBeDefined();
    const traceId = create?.spanContext().traceId;
    const request = spans.find((s) => s.name === 'POST /api/v1/generations');
    expect(request?.spanContext().traceId).toBe(traceId);
    expect(parentOf(create as ReadableSpan)).toBe(request?.spanContext().spanId);
    expect(request?.attributes['http.response.status_code']).toBe(202);

    const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
    const steps = inTrace.filter((s) => s.name === 'generation.step');
    expect(steps.length).toBeGreaterThanOrEqual(1);
    for (const step of steps) {
      expect(parentOf(step)).toBe(create?.spanContext().spanId);
      expect(step.attributes['reelay.generation_id']).toBe(id);
    }
    const stepIds = new Set(steps.map((s) => s.spanContext().spanId));
    const start = inTrace.find((s) => s.name === 'provider.start');
    expect(start?.attributes).toMatchObject({ 'reelay.provider': 'local', 'reelay.outcome': 'started' });
    expect(stepIds.has(parentOf(start as ReadableSpan) ?? '')).toBe(true);
    const finished = inTrace.find(
      (s) => s.name === 'provider.status' && s.attributes['reelay.outcome'] === 'succeeded',
    );
    expect(stepIds.has(parentOf(finished as ReadableSpan) ?? '')).toBe(true);
    const stored = inTrace.find((s) => s.name === 'generation.store_output');
    expect(stored?.attributes['reelay.bytes']).toBeGreaterThan(0);
    expect(stepIds.has(parentOf(stored as ReadableSpan) ?? '')).toBe(true);

    // The create's access-log line carries the same trace id.
    const line = lines.find(
      (l) => l.msg === 'request completed' && (l.req as { method?: string })?.method === 'POST',
    );
    expect(line?.traceId).toBe(traceId);
  });

  it('traces each webhook delivery attempt as a child of its generation’s create, without its URL', async () => {
    const { port } = receiver.address() as AddressInfo;
    const webhookUrl = `http://127.0.0.1:${port}/hooks?token=query-secret-7`;
    const created = await t.api('POST', '/api/v1/generations', { ...REQUEST, webhookUrl });
    expect(created.status, created.text).toBe(202);
    const id = created.json.id as string;
    expect((await waitForFinal(t, id)).json.status).toBe('succeeded');

    const isDelivery = (s: ReadableSpan) =>
      s.name === 'webhook.deliver' && s.attributes['reelay.generation_id'] === id;
    const spans = await finishedWhen(exporter, (all) =>
      all.some(
        (s) =>
          isDelivery(s) &&
          s.attributes['reelay.event_type'] === 'generation.succeeded' &&
          s.attributes['reelay.outcome'] === 'succeeded',
      ),
    );
    const create = spans.find(
      (s) => s.name === 'generation.create' && s.attributes['reelay.generation_id'] === id,
    );
    expect(create).toBeDefined();
    const deliveries = spans.filter(isDelivery);
    expect(deliveries.length).toBeGreaterThanOrEqual(2);
    for (const span of deliveries) {
      expect(span.spanContext().traceId).toBe(create?.spanContext().traceId);
      expect(parentOf(span)).toBe(create?.spanContext().spanId);
      expect(span.attributes['reelay.delivery_id']).toMatch(/^msg_/);
      // Neither the URL (nor its query) nor anything signed is on the span.
      const values = JSON.stringify(span.attributes);
      expect(values).not.toContain('query-secret-7');
      expect(values).not.toContain(String(port));
      expect(values).not.toContain('whsec_');
    }
    // The succeeded event's delivery: refused once (503, to be retried), then taken (204) on the second attempt.
    const succeeded = deliveries.filter((s) => s.attributes['reelay.event_type'] === 'generation.succeeded');
    const byAttempt = (n: number) => succeeded.find((s) => s.attributes['reelay.attempt'] === n);
    expect(byAttempt(1)?.attributes).toMatchObject({
      'http.response.status_code': 503,
      'reelay.outcome': 'retrying',
    });
    expect(byAttempt(2)?.attributes).toMatchObject({
      'http.response.status_code': 204,
      'reelay.outcome': 'succeeded',
      'reelay.delivery_id': byAttempt(1)?.attributes['reelay.delivery_id'],
    });
    const listed = await t.api('GET', `/api/v1/webhooks/deliveries?limit=100`);
    const ids = listed.json.data
      .filter((d: { generationId: string }) => d.generationId === id)
      .map((d: { id: string }) => d.id);
    expect(ids).toContain(byAttempt(2)?.attributes['reelay.delivery_id']);
  });

  it('puts the trace id beside requestId in error answers', async () => {
    const bad = await t.api('POST', '/api/v1/generations', { ...REQUEST, model: 'no-such-model' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.json.error.traceId).toMatch(/^[0-9a-f]{32}$/);
    const span = exporter
      .getFinishedSpans()
      .find((s) => s.spanContext().traceId === bad.json.error.traceId && s.name.startsWith('POST '));
    expect(span?.attributes['http.response.status_code']).toBe(bad.status);
    const missing = await t.api('GET', '/api/v1/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.json.error.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
