import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway, type TestResponse } from '../harness.ts';
import { expectErrorJson, leaksIn, namedParams } from './error-answers.ts';

/**
 * Bodies nested far deeper than any request needs, and numbers and dates at and past what JavaScript and
 * PostgreSQL can hold. Each is a 4xx in the API's error JSON (one naming its parameter where it has one),
 * never a 5xx.
 */
describe('deep JSON and out-of-range numbers are refused with a 4xx, never a 5xx', () => {
  let t: TestGateway;

  beforeAll(async () => {
    t = await startGateway('pglite', {
      REELAY_WORKER_CONCURRENCY: '0',
      REELAY_WEBHOOK_CONCURRENCY: '0',
      REELAY_KEY_RATE_PER_MINUTE: '10000000',
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const json = { 'content-type': 'application/json' };
  const arrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const envelope = (input: string) => `{"type":"video","model":"kling-3.0-omni","input":${input}}`;

  function expectRefused(r: TestResponse, what: string, sent: string, param?: string) {
    expect(r.status, `${what} → ${r.status} ${r.text.slice(0, 400)}`).toBeLessThan(500);
    expectErrorJson(r, what);
    expect(leaksIn(r.text, sent, t.dataDir), what).toEqual([]);
    if (param !== undefined) expect(namedParams(r), `${what} → ${r.text.slice(0, 400)}`).toContain(param);
  }

  describe('deep JSON bodies', () => {
    const BODIES: [string, string, () => string, Record<string, string>?][] = [
      ['100 000 levels of [ on quotes', '/api/v1/quotes', () => arrays(100_000)],
      ['100 000 levels of [ on generations', '/api/v1/generations', () => arrays(100_000)],
      ['2 million levels of [ on quotes', '/api/v1/quotes', () => arrays(2_000_000)],
      ['2 million levels of [ on generations', '/api/v1/generations', () => arrays(2_000_000)],
      ['2 million unclosed [ on quotes', '/api/v1/quotes', () => '['.repeat(2_000_000)],
      ['100 000 levels of {"a": on quotes', '/api/v1/quotes', () => objects(100_000)],
      ['100 000 levels of [ as the input', '/api/v1/quotes', () => envelope(arrays(100_000))],
      [
        '100 000 levels of [ as the prompt',
        '/api/v1/quotes',
        () => envelope(`{"prompt":${arrays(100_000)}}`),
      ],
      [
        '100 000 levels of [ under an unknown input field',
        '/api/v1/generations',
        () => envelope(`{"prompt":"x","deep":${arrays(100_000)}}`),
      ],
      [
        '100 000 levels of [ under an unknown key, with an Idempotency-Key',
        '/api/v1/generations',
        () => `{"type":"video","model":"kling-3.0-omni","input":{"prompt":"x"},"deep":${arrays(100_000)}}`,
        { 'idempotency-key': 'deep-json-1' },
      ],
      ['100 000 levels of [ as a key name', '/api/v1/keys', () => `{"name":${arrays(100_000)}}`],
      ['100 000 levels of [ on cancel', '/api/v1/generations/gen_nope/cancel', () => arrays(100_000)],
    ];
    it.each(BODIES)('%s', async (what, path, body, headers = {}) => {
      const r = await t.api('POST', path, body(), { ...json, ...headers });
      expectRefused(r, what, '');
    });
  });

  describe('cursors', () => {
    const LEDGER = [
      '1e23',
      '99999999999999999999',
      '9223372036854775807',
      '9223372036854775808',
      '-9223372036854775809',
      '-1',
      '-0',
      '0',
      '1.5',
      'abc',
      '1e400',
      'Infinity',
      'NaN',
    ];
    it.each(LEDGER)('/api/v1/ledger?cursor=%s', async (cursor) => {
      const path = `/api/v1/ledger?cursor=${cursor}`;
      expectRefused(await t.api('GET', path), path, path, 'cursor');
    });

    it.each(['-1', '1e23', '99999999999999999999', 'abc', '%FF%FE'])(
      '/api/v1/generations?cursor=%s',
      async (cursor) => {
        const path = `/api/v1/generations?cursor=${cursor}`;
        expectRefused(await t.api('GET', path), path, path, 'cursor');
      },
    );

    it.each(['-1', '1e23', '99999999999999999999', 'abc'])(
      '/api/v1/webhooks/deliveries?cursor=%s',
      async (cursor) => {
        const path = `/api/v1/webhooks/deliveries?cursor=${cursor}`;
        expectRefused(await t.api('GET', path), path, path, 'cursor');
      },
    );

    it.each(['1e23', '99999999999999999999', '-1', '1.5'])('Last-Event-ID: %s', async (id) => {
      const r = await t.api('GET', '/api/v1/generations/gen_nope/events', undefined, { 'last-event-id': id });
      expectRefused(r, `Last-Event-ID: ${id}`, id, 'Last-Event-ID');
    });
  });

  describe('limits', () => {
    const LIMITS = ['1e9', '-1', '1.5', '0', '1e400', 'abc', '9223372036854775808', '-0', 'Infinity'];
    for (const route of ['/api/v1/generations', '/api/v1/ledger', '/api/v1/webhooks/deliveries']) {
      it.each(LIMITS)(`${route}?limit=%s`, async (limit) => {
        const path = `${route}?limit=${limit}`;
        expectRefused(await t.api('GET', path), path, path, 'limit');
      });
    }
  });

  describe('dates', () => {
    // Dates JavaScript cannot make, or PostgreSQL cannot keep (it holds 4713 BC to 294276 AD).
    const UNHOLDABLE = [
      '300000-01-01',
      '+300000-01-01',
      '-infinity',
      'infinity',
      '2026-13-45',
      '-010000-01-01T00:00:00Z',
      '-271821-04-20T00:00:00Z',
      '-004714-01-01T00:00:00Z',
      'epoch',
      'now',
      '1e23',
      '2026-01-01T25:00:00Z',
    ];
    for (const param of ['from', 'to']) {
      it.each(UNHOLDABLE)(`/api/v1/usage?${param}=%s`, async (date) => {
        const path = `/api/v1/usage?${param}=${encodeURIComponent(date)}`;
        expectRefused(await t.api('GET', path), path, path, param);
      });
    }

    // Years PostgreSQL can hold but no usage can be in: answered (200) or refused naming the parameter.
    it.each(['+275760-09-13T00:00:00Z', '+010000-01-01T00:00:00Z', '0001-01-01T00:00:00Z'])(
      '/api/v1/usage?to=%s',
      async (date) => {
        const path = `/api/v1/usage?to=${encodeURIComponent(date)}`;
        const r = await t.api('GET', path);
        expect(r.status, `${path} → ${r.text.slice(0, 300)}`).toBeLessThan(500);
        if (r.status >= 400) expectRefused(r, path, path, 'to');
      },
    );
  });

  describe('numbers in bodies', () => {
    const BODIES: [string, string, string, string][] = [
      ['duration 1e23', '/api/v1/quotes', envelope('{"prompt":"x","duration":1e23}'), 'input.duration'],
      ['duration -1e23', '/api/v1/quotes', envelope('{"prompt":"x","duration":-1e23}'), 'input.duration'],
      ['duration 1e400', '/api/v1/quotes', envelope('{"prompt":"x","duration":1e400}'), 'input.duration'],
      ['duration 1e-400', '/api/v1/quotes', envelope('{"prompt":"x","duration":1e-400}'), 'input.duration'],
      [
        'duration of 30 digits',
        '/api/v1/generations',
        envelope('{"prompt":"x","duration":123456789012345678901234567890}'),
        'input.duration',
      ],
      [
        'duration 3.0000000001',
        '/api/v1/generations',
        envelope('{"prompt":"x","duration":3.0000000001}'),
        'input.duration',
      ],
      ['a key budget of 1e23', '/api/v1/keys', '{"dailyTokens":1e23}', 'dailyTokens'],
      ['a key budget of -0.5', '/api/v1/keys', '{"monthlyTokens":-0.5}', 'monthlyTokens'],
    ];
    it.each(BODIES)('%s', async (what, path, body, param) => {
      const r = await t.api('POST', path, body, json);
      expectRefused(r, what, body, param);
      // 1e400 is Infinity once parsed: the message says so, not "null" as JSON would write it.
      expect(r.text, what).not.toContain('(null)');
    });
  });
});
