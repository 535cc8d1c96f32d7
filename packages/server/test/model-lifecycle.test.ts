import { findModel, type Json } from '@reelay/catalog';
import { wire } from '@reelay/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startGateway, type TestGateway } from './harness.ts';

/** A text-only request of the model, from its example (files left out, so no asset is needed). */
function textRequest(model: string) {
  const entry = findModel(model);
  if (!entry) throw new Error(`no model ${model}`);
  const input: Record<string, Json> = { ...entry.exampleInput };
  delete input.referenceAssetUris;
  delete input.sourceImage;
  return { type: entry.type, model, input };
}

// Fixed dates far from today, so nothing depends on the clock's edge.
const LIFECYCLE = {
  'kling-2.6': {
    status: 'deprecated',
    deprecatedAt: '2026-01-01',
    shutdownAt: '2999-03-01',
    replacement: 'kling-3.0',
  },
  'kling-o1': { status: 'retired', replacement: 'kling-3.0' },
  'veo-3.1-lite': { status: 'deprecated', shutdownAt: '2001-01-01', replacement: 'kling-3.0' },
};

describe.each(DATABASES)('model lifecycle on %s', (kind) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(kind, { REELAY_MODEL_LIFECYCLE: JSON.stringify(LIFECYCLE) });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('runs a deprecated model, with Deprecation and Sunset headers and a warning on the generation', async () => {
    const r = await t.api('POST', '/api/v1/generations', textRequest('kling-2.6'));
    expect(r.status, r.text).toBe(202);
    expect(r.headers.get('deprecation')).toBe(`@${Date.UTC(2026, 0, 1) / 1000}`);
    expect(r.headers.get('sunset')).toBe('Fri, 01 Mar 2999 00:00:00 GMT');
    const warning = {
      code: 'model_deprecated',
      message: 'Model kling-2.6 is deprecated and stops running on 2999-03-01; use kling-3.0 instead.',
    };
    expect(r.json.warnings).toContainEqual(warning);
    // Stored with the generation, not only said in the create's answer.
    const read = await t.api('GET', `/api/v1/generations/${r.json.id}`);
    expect(read.json.warnings).toContainEqual(warning);

    const quote = await t.api('POST', '/api/v1/quotes', textRequest('kling-2.6'));
    expect(quote.status, quote.text).toBe(200);
    expect(quote.headers.get('deprecation')).toBe(`@${Date.UTC(2026, 0, 1) / 1000}`);
    expect(quote.headers.get('sunset')).toBe('Fri, 01 Mar 2999 00:00:00 GMT');
  });

  it('gives an active model no such headers or warning', async () => {
    const r = await t.api('POST', '/api/v1/generations', textRequest('kling-3.0'));
    expect(r.status, r.text).toBe(202);
    expect(r.headers.get('deprecation')).toBeNull();
    expect(r.headers.get('sunset')).toBeNull();
    expect(r.json.warnings.map((w: { code: string }) => w.code)).not.toContain('model_deprecated');
  });

  it.each([
    ['retired', 'kling-o1'],
    ['deprecated past its shutdown', 'veo-3.1-lite'],
  ])('refuses a %s model with 410 model_retired naming its replacement', async (_, model) => {
    for (const path of ['/api/v1/generations', '/api/v1/quotes']) {
      const r = await t.api('POST', path, textRequest(model));
      expect(r.status, r.text).toBe(410);
      expect(r.json.error).toMatchObject({
        code: 'model_retired',
        param: 'model',
        message: `Model ${model} is retired and no longer runs; use kling-3.0 instead.`,
      });
    }
    const after = await t.api('GET', '/api/v1/generations');
    expect(after.json.data.map((g: { model: string }) => g.model)).not.toContain(model);
  });

  it('behaves the same on the OpenAI and Replicate shapes', async () => {
    const openAi = await t.api('POST', '/v1/videos', { model: 'kling-2.6', prompt: 'old one', seconds: '5' });
    expect(openAi.status, openAi.text).toBe(200);
    expect(openAi.headers.get('deprecation')).toBe(`@${Date.UTC(2026, 0, 1) / 1000}`);
    expect(openAi.headers.get('sunset')).toBe('Fri, 01 Mar 2999 00:00:00 GMT');
    const gone = await t.api('POST', '/v1/videos', { model: 'kling-o1', prompt: 'gone', seconds: '5' });
    expect(gone.status, gone.text).toBe(410);
    expect(gone.text).toContain('use kling-3.0 instead');

    const replicate = await t.api('POST', '/replicate/v1/models/reelay/kling-2.6/predictions', {
      input: { prompt: 'old one', duration: 5 },
    });
    expect(replicate.status, replicate.text).toBe(201);
    expect(replicate.headers.get('sunset')).toBe('Fri, 01 Mar 2999 00:00:00 GMT');
    const retired = await t.api('POST', '/replicate/v1/models/reelay/kling-o1/predictions', {
      input: { prompt: 'gone', duration: 5 },
    });
    expect(retired.status, retired.text).toBe(410);
    expect(retired.text).toContain('use kling-3.0 instead');
  });

  it('shows each model lifecycle in the catalog', async () => {
    const list = await t.api('GET', '/api/v1/models');
    expect(list.status).toBe(200);
    const parsed = wire.ModelList.parse(list.json);
    const byId = new Map(parsed.data.map((m) => [m.id, m.lifecycle]));
    expect(byId.get('kling-2.6')).toEqual(LIFECYCLE['kling-2.6']);
    expect(byId.get('kling-o1')).toEqual(LIFECYCLE['kling-o1']);
    // Past its shutdown, a deprecated model is shown retired.
    expect(byId.get('veo-3.1-lite')).toEqual({ ...LIFECYCLE['veo-3.1-lite'], status: 'retired' });
    expect(byId.get('kling-3.0')).toEqual({ status: 'active' });
    const one = await t.api('GET', '/api/v1/models/kling-2.6');
    expect(wire.ModelDescription.parse(one.json).lifecycle).toEqual(LIFECYCLE['kling-2.6']);
  });

  it("marks a deprecated model's request deprecated in the OpenAPI document", async () => {
    const doc = (await t.api('GET', '/openapi.json')).json;
    const requestOf = (model: string) =>
      Object.values(
        doc.components.schemas as Record<string, { properties?: { model?: { const?: string } } }>,
      ).find((schema) => schema.properties?.model?.const === model) as {
        deprecated?: boolean;
        description?: string;
      };
    expect(requestOf('kling-2.6')).toMatchObject({ deprecated: true });
    expect(requestOf('kling-2.6').description).toContain('Use kling-3.0 instead.');
    expect(requestOf('kling-o1').deprecated).toBe(true);
    expect(requestOf('kling-3.0').deprecated).toBeUndefined();
  });

  it('shows a notice on the model page and the catalog page, in each language', async () => {
    const page = async (path: string) => (await fetch(`${t.baseUrl}${path}`)).text();
    const en = await page('/en/models/kling-2.6');
    expect(en).toContain('This model is deprecated.');
    expect(en).toContain('It stops running on 2999-03-01.');
    expect(en).toContain('href="/en/models/kling-3.0"');
    expect(await page('/es/models/kling-o1')).toContain('Este modelo se ha retirado y ya no funciona.');
    expect(await page('/ru/models/kling-2.6')).toContain('Эта модель устарела.');
    expect(await page('/en/models/kling-3.0')).not.toContain('lifecycle-notice');
    const catalog = await page('/en/models');
    expect(catalog).toContain('This model is retired and no longer runs.');
  });
});
