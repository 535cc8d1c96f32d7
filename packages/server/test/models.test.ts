import { models } from '@reelay/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './harness.ts';

describe('the catalog over HTTP', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway('pglite');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('lists every model without a key, with its type, provider, price and capabilities', async () => {
    const r = await fetch(`${t.baseUrl}/api/v1/models`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { data: Record<string, unknown>[] };
    expect(body.data.map((m) => m.id)).toEqual(models.map((m) => m.id));
    for (const m of body.data) {
      expect(m).toMatchObject({
        type: expect.any(String),
        provider: expect.any(String),
        capabilities: expect.any(Array),
      });
      expect(m.fromTokensPerSecond ?? m.fromTokens).toEqual(expect.any(Number));
    }
  });

  it('filters by type and capability', async () => {
    for (const type of ['video', 'image', 'audio']) {
      const r = await t.api('GET', `/api/v1/models?type=${type}`);
      expect(r.json.data.map((m: { id: string }) => m.id)).toEqual(
        models.filter((m) => m.type === type).map((m) => m.id),
      );
    }
    const i2v = await t.api('GET', '/api/v1/models?capability=image_to_video');
    expect(i2v.json.data.length).toBeGreaterThan(0);
    for (const m of i2v.json.data) expect(m.capabilities).toContain('image_to_video');
    expect((await t.api('GET', '/api/v1/models?capability=teleport')).json.data).toEqual([]);
    expect((await t.api('GET', '/api/v1/models?type=hologram')).json.error.param).toBe('type');
  });

  it('filters by type and capability together, with capabilities as the reference lists them', async () => {
    const ids = async (query: string) =>
      (await t.api('GET', `/api/v1/models?${query}`)).json.data.map((m: { id: string }) => m.id);
    expect(await ids('capability=video_to_video')).toEqual([
      'kling-3.0-omni',
      'kling-3.0-motion',
      'kling-2.6-motion',
      'kling-o1',
      'happyhorse-1.0',
      'seedance-2.0-relaxed',
    ]);
    expect(await ids('capability=reference_to_video')).toEqual([
      'kling-3.0-omni',
      'kling-o1',
      'happyhorse-1.0',
      'happyhorse-1.1',
      'seedance-2.0-relaxed',
      'veo-3.1-lite',
    ]);
    // Motion transfer runs one way but is listed under image_to_video too, as the reference lists it.
    expect(await ids('type=video&capability=image_to_video')).toEqual(
      models.filter((m) => m.type === 'video').map((m) => m.id),
    );
    expect(await ids('type=video&capability=text_to_video')).not.toContain('kling-3.0-motion');
    expect(await ids('type=image&capability=image_edit')).toEqual([
      'gpt-image-2',
      'nano-banana',
      'nano-banana-2',
      'grok-imagine',
      'seedream-5',
      'seedream-4.5',
    ]);
    expect(await ids('type=image&capability=text_to_video')).toEqual([]);
    expect(await ids('type=audio')).toEqual([]);
    const motion = (await t.api('GET', '/api/v1/models?capability=video_to_video')).json.data[1];
    expect(motion).toMatchObject({
      id: 'kling-3.0-motion',
      provider: 'Kling',
      fromTokensPerSecond: 7,
      modes: ['video_to_video'],
      capabilities: ['image_to_video', 'video_to_video'],
    });
  });

  it('gives video models a per-second "from" price and image models a flat one', async () => {
    const { data } = (await t.api('GET', '/api/v1/models')).json as { data: Record<string, unknown>[] };
    const from = Object.fromEntries(
      data.map((m) => [m.id, [m.provider, m.fromTokensPerSecond, m.fromTokens]]),
    );
    expect(from['kling-3.0']).toEqual(['Kling', 3, undefined]);
    expect(from['veo-3.1-lite']).toEqual(['Google', 3, undefined]);
    expect(from['gpt-image-2']).toEqual(['OpenAI', undefined, 1]);
    expect(from['grok-imagine']).toEqual(['xAI', undefined, 2]);
    const kling = await t.api('GET', '/api/v1/models/kling-3.0');
    expect(kling.json.pricing.filter((p: { informational?: true }) => p.informational)).toHaveLength(4);
    expect(kling.json.pricing.filter((p: { default?: true }) => p.default)).toEqual([
      {
        variant: '720p-audio',
        label: '720p · Audio',
        unit: 'per_second',
        tokensPerSecond: 5.5,
        default: true,
      },
    ]);
  });

  it('describes every model with its schema, prices, default row and example, in every language', async () => {
    for (const m of models) {
      for (const locale of ['en', 'es', 'ru']) {
        const r = await t.api('GET', `/api/v1/models/${m.id}?locale=${locale}`);
        expect(r.status, `${m.id} ${locale}`).toBe(200);
        expect(r.json.description).toBe(m.description[locale as 'en' | 'es' | 'ru']);
        expect(r.json.fields.map((f: { name: string }) => f.name)).toEqual(m.fields.map((f) => f.name));
      }
      const r = await t.api('GET', `/api/v1/models/${m.id}`);
      expect(r.json.inputSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(r.json.pricing.filter((p: { default?: true }) => p.default)).toHaveLength(1);
      expect(r.json.exampleInput).toEqual(m.exampleInput);
      const quote = await t.api('POST', '/api/v1/quotes', {
        type: m.type,
        model: m.id,
        input: m.exampleInput,
      });
      expect(quote.status, `${m.id}: ${quote.text}`).toBe(200);
      expect(quote.json.model).toBe(m.id);
    }
  });

  it('describes a model in the asked language with its schema, prices, modes and slots', async () => {
    const en = await t.api('GET', '/api/v1/models/kling-3.0-omni');
    expect(en.json).toMatchObject({
      id: 'kling-3.0-omni',
      fromTokensPerSecond: 6.4,
      modes: ['text_to_video', 'image_to_video', 'video_to_video', 'reference_to_video'],
      slots: [
        { name: 'referenceVideo', kind: 'video', array: false, required: false },
        { name: 'referenceAssetUris', kind: 'image', array: true, maxItems: 7, required: false },
      ],
    });
    expect(en.json.inputSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(en.json.pricing).toEqual([
      { variant: '720p', label: '720p', unit: 'per_second', tokensPerSecond: 6.4, provisional: true },
      {
        variant: '720p-audio',
        label: '720p · Audio',
        unit: 'per_second',
        tokensPerSecond: 8.5,
        default: true,
        provisional: true,
      },
      { variant: '1080p', label: '1080p', unit: 'per_second', tokensPerSecond: 8.5, provisional: true },
      {
        variant: '1080p-audio',
        label: '1080p · Audio',
        unit: 'per_second',
        tokensPerSecond: 11.3,
        provisional: true,
      },
    ]);
    const ru = await t.api('GET', '/api/v1/models/kling-3.0-omni?locale=ru');
    expect(ru.json.description).toMatch(/[а-я]/);
    expect(ru.json.fields[0].description).toMatch(/[а-я]/);
    // Labels follow the language too; resolutions stay as they are.
    expect(ru.json.fields.map((f: { label: string }) => f.label)).toEqual([
      'Запрос',
      'Соотношение сторон',
      'Разрешение',
      'Длительность',
      'Генерировать звук',
      'Референсное видео',
      'Референсные изображения',
    ]);
    expect(ru.json.pricing.map((p: { label: string }) => p.label)).toEqual([
      '720p',
      '720p · Со звуком',
      '1080p',
      '1080p · Со звуком',
    ]);
    expect((await t.api('GET', '/api/v1/models/kling-3.0-omni?locale=de')).json.error.param).toBe('locale');
  });
});
