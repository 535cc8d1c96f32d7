import { wire } from '@reelay/contract';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './harness.ts';
import {
  FAL_KEY,
  fixture,
  type PublishedSchemas,
  plantDrift,
  RECORDED_MODELS,
  REPLICATE_TOKEN,
  recordedFalDocuments,
  startPublishedSchemas,
  upstreamSettings,
} from './published-schemas.ts';

const ADMIN = 'upstreams-check-admin-key-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };

/** The findings of a report that are not news, as `kind severity upstream model endpoint field`. */
// biome-ignore lint/suspicious/noExplicitAny: reading the report's JSON.
const notInfo = (report: any): string[] =>
  report.routes
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    .flatMap((r: any) => r.findings)
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    .filter((f: any) => f.severity !== 'info')
    // biome-ignore lint/suspicious/noExplicitAny: as above.
    .map((f: any) => `${f.kind} ${f.severity} ${f.upstream} ${f.model} ${f.endpoint} ${f.field}`)
    .sort();

describe('POST /api/v1/admin/upstreams/check against recorded schemas on loopback', () => {
  let schemas: PublishedSchemas;
  let t: TestGateway;
  const check = (body: unknown = { models: RECORDED_MODELS }) =>
    t.api('POST', '/api/v1/admin/upstreams/check', body, admin);

  beforeAll(async () => {
    schemas = await startPublishedSchemas();
    t = await startGateway('pglite', { REELAY_ADMIN_KEY: ADMIN, ...upstreamSettings(schemas) });
  });
  afterAll(async () => {
    await t?.stop();
    await schemas?.close();
  });
  beforeEach(() => {
    schemas.fal = Object.assign(schemas.fal, recordedFalDocuments());
    schemas.falPrices.prices = fixture('fal-pricing.json').prices;
    schemas.replicate['google/nano-banana'] = fixture('replicate-google-nano-banana.json');
    schemas.failing.clear();
    schemas.requests.length = 0;
  });

  it('finds nothing breaking when the published schemas match the mappings', async () => {
    const r = await check();
    expect(r.status).toBe(200);
    expect(wire.UpstreamsCheckReport.parse(r.json)).toBeTruthy();
    expect(r.json).toMatchObject({ breaking: false, complete: true, counts: { breaking: 0, warning: 0 } });
    expect(notInfo(r.json)).toEqual([]);
    const routes = r.json.routes.map((x: { upstream: string; model: string; status: string }) =>
      [x.upstream, x.model, x.status].join(' '),
    );
    expect(routes).toEqual([
      'kling kling-3.0 skipped',
      'fal kling-3.0 checked',
      'fal veo-3.1-lite checked',
      'fal nano-banana checked',
      'replicate nano-banana checked',
    ]);
    const kling = r.json.routes[0];
    expect(kling.reason).toMatch(/publishes no machine-readable schema/);
    // What the mappings send and the upstreams take but the mappings never send is news only.
    const info = r.json.routes
      .flatMap((x: { findings: { field: string; endpoint: string; severity: string }[] }) => x.findings)
      .map((f: { field: string; endpoint: string }) => `${f.endpoint} ${f.field}`);
    expect(info).toContain('fal-ai/nano-banana aspect_ratio');
    expect(info).toContain('google/nano-banana output_format');
    // Each fal endpoint the routes send to was read from fal's per-endpoint document; prices in one call, with the key.
    const fal = r.json.routes.find(
      (x: { upstream: string; model: string }) => x.upstream === 'fal' && x.model === 'kling-3.0',
    );
    expect(fal.endpoints.map((e: { endpoint: string }) => e.endpoint)).toEqual([
      'fal-ai/kling-video/v3/4k/image-to-video',
      'fal-ai/kling-video/v3/4k/text-to-video',
      'fal-ai/kling-video/v3/pro/image-to-video',
      'fal-ai/kling-video/v3/pro/text-to-video',
      'fal-ai/kling-video/v3/standard/image-to-video',
      'fal-ai/kling-video/v3/standard/text-to-video',
    ]);
    const standard = fal.endpoints.at(-1);
    expect(standard).toMatchObject({
      status: 'checked',
      schemaUrl: `${schemas.url}/api/openapi/queue/openapi.json?endpoint_id=fal-ai%2Fkling-video%2Fv3%2Fstandard%2Ftext-to-video`,
      fields: ['aspect_ratio', 'duration', 'generate_audio', 'prompt'],
      price: {
        status: 'checked',
        assumed: { unitPrice: 0.084, unit: 'second', currency: 'USD' },
        published: { unitPrice: 0.084, unit: 'second', currency: 'USD' },
      },
    });
    expect(fal.endpoints[0].price).toMatchObject({ status: 'not_published', assumed: null, published: null });
    const pricing = schemas.requests.filter((q) => q.line.startsWith('GET /v1/models/pricing'));
    expect(pricing).toHaveLength(1);
    expect(pricing[0]?.authorization).toBe(`Key ${FAL_KEY}`);
    const replicate = schemas.requests.filter((q) => q.line === 'GET /v1/models/google/nano-banana');
    expect(replicate.map((q) => q.authorization)).toEqual([`Bearer ${REPLICATE_TOKEN}`]);
    const replicateRoute = r.json.routes.at(-1);
    expect(replicateRoute.endpoints[0].price).toMatchObject({ status: 'not_published' });
  });

  it('reports exactly the planted drift, each finding with its route, model and field', async () => {
    plantDrift(schemas);
    const r = await check();
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ breaking: true, complete: true, counts: { breaking: 3, warning: 1 } });
    expect(notInfo(r.json)).toEqual([
      'enum_changed breaking replicate nano-banana google/nano-banana output_format',
      'field_removed breaking fal nano-banana fal-ai/nano-banana output_format',
      'price_changed warning fal kling-3.0 fal-ai/kling-video/v3/standard/text-to-video null',
      'required_missing breaking fal veo-3.1-lite fal-ai/veo3.1/lite safety_tolerance',
    ]);
    const findings = r.json.routes.flatMap(
      (x: { findings: { kind: string; message: string }[] }) => x.findings,
    );
    const price = findings.find((f: { kind: string }) => f.kind === 'price_changed');
    expect(price.message).toMatch(
      /published at 0.126 USD per second; the mapping assumes 0.084 USD per second/,
    );
    const enumChange = findings.find(
      (f: { kind: string; severity: string }) => f.kind === 'enum_changed' && f.severity === 'breaking',
    );
    expect(enumChange.message).toMatch(/"png"/);
  });

  it('reports an upstream that fails on its endpoint and checks the rest', async () => {
    schemas.failing.set('fal-ai/nano-banana/edit', 503);
    schemas.failing.set('google/nano-banana', 500);
    const r = await check({ models: ['nano-banana'] });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ breaking: false, complete: false });
    const [fal, replicate] = r.json.routes;
    expect(fal).toMatchObject({
      upstream: 'fal',
      status: 'incomplete',
      reason: '1 of 2 endpoints could not be checked.',
    });
    expect(fal.endpoints[0]).toMatchObject({
      endpoint: 'fal-ai/nano-banana',
      status: 'checked',
      error: null,
    });
    expect(fal.endpoints[1]).toMatchObject({
      endpoint: 'fal-ai/nano-banana/edit',
      status: 'failed',
      schemaUrl: null,
    });
    expect(fal.endpoints[1].error).toMatch(/answered HTTP 503: \{"detail":"upstream trouble"\}/);
    expect(replicate).toMatchObject({ upstream: 'replicate', status: 'incomplete' });
    expect(replicate.endpoints[0].error).toMatch(/answered HTTP 500/);
  });

  it('reports a document of another shape and unreadable prices without failing the check', async () => {
    schemas.fal['fal-ai/nano-banana'] = { openapi: '3.0.4', paths: {} };
    schemas.falPrices.prices = 'none';
    const r = await check({ models: ['nano-banana'], upstreams: ['fal'] });
    expect(r.status).toBe(200);
    expect(r.json.routes).toHaveLength(1);
    const [plain, edit] = r.json.routes[0].endpoints;
    expect(plain).toMatchObject({
      status: 'failed',
      error: 'the document has no JSON body for POST /fal-ai/nano-banana',
    });
    expect(edit).toMatchObject({ status: 'checked' });
    expect(edit.price).toMatchObject({ status: 'unchecked' });
    expect(edit.price.error).toMatch(/answered without a prices list/);
  });

  it('refuses a malformed scope with a 400 naming the field', async () => {
    const unknownModel = await check({ models: ['no-such-model'] });
    expect(unknownModel.status).toBe(400);
    expect(unknownModel.json.error).toMatchObject({ code: 'invalid_request', param: 'models' });
    expect(unknownModel.json.error.message).toMatch(/no-such-model/);
    const badUpstream = await check({ upstreams: ['kling', 'nope'] });
    expect(badUpstream.status).toBe(400);
    expect(badUpstream.json.error.param).toBe('upstreams');
    expect((await check({ models: 'nano-banana' })).json.error.param).toBe('models');
    expect((await check({ model: ['nano-banana'] })).json.error.param).toBe('model');
    expect((await check([1])).json.error.param).toBe('body');
  });

  it('is for the admin key only', async () => {
    const r = await t.api('POST', '/api/v1/admin/upstreams/check', {});
    expect(r.status).toBe(401);
  });
});

describe('POST /api/v1/admin/upstreams/check without upstream credentials', () => {
  it('skips every route, saying why', async () => {
    const t = await startGateway('pglite', { REELAY_ADMIN_KEY: ADMIN });
    try {
      const r = await t.api('POST', '/api/v1/admin/upstreams/check', undefined, admin);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ breaking: false, complete: true });
      const reasons = new Set(
        r.json.routes.map((x: { status: string; reason: string }) => `${x.status} ${x.reason}`),
      );
      expect([...reasons].sort()).toEqual([
        'skipped Kling publishes no machine-readable schema of its API (its reference is HTML pages), so there is nothing to compare.',
        'skipped Replicate is not configured here (REELAY_REPLICATE_API_TOKEN).',
        'skipped fal is not configured here (REELAY_FAL_KEY).',
      ]);
    } finally {
      await t.stop();
    }
  });
});
