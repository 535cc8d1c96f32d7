import { describe, expect, it } from 'vitest';
import { describeModel, summarizeModel } from './describe-model.ts';
import { models, UnknownModelError } from './registry.ts';
import { imageEditor } from './test-models.ts';

const ID = 'kling-3.0-omni';

describe('describeModel', () => {
  it('describes kling-3.0-omni as its page does', () => {
    const d = describeModel(ID);
    expect(d).toMatchObject({
      id: ID,
      type: 'video',
      title: 'Kling 3.0 Omni',
      provider: 'Kling',
      fromTokensPerSecond: 6.4,
      modes: ['text_to_video', 'image_to_video', 'video_to_video', 'reference_to_video'],
      slots: [
        { name: 'referenceVideo', kind: 'video', array: false, required: false },
        { name: 'referenceAssetUris', kind: 'image', array: true, maxItems: 7, required: false },
      ],
      exampleInput: { prompt: 'cinematic drone shot over a city at night', duration: 3, audioEnabled: true },
    });
    expect(d).not.toHaveProperty('fromTokens');
    expect(d.description).toBe(d.descriptions.en);
    expect(d.pricingNote).toMatch(/provisional/i);
    expect(d.pricing.every((p) => p.provisional === true && p.tokensPerSecond !== undefined)).toBe(true);
    expect(d.pricing.filter((p) => p.default).map((p) => p.variant)).toEqual(['720p-audio']);
    expect(d.rules.map((r) => r.id)).toEqual([
      'audio-off-with-reference-video',
      'fewer-images-with-reference-video',
    ]);
  });

  it('lists every field with its type, default and limits', () => {
    const fields = Object.fromEntries(describeModel(ID).fields.map((f) => [f.name, f]));
    expect(Object.keys(fields)).toEqual([
      'prompt',
      'aspectRatio',
      'resolution',
      'duration',
      'audioEnabled',
      'referenceVideo',
      'referenceAssetUris',
    ]);
    expect(fields.prompt).toMatchObject({
      label: 'Prompt',
      type: 'string',
      required: true,
      default: null,
      maxLength: 2500,
    });
    expect(fields.aspectRatio).toMatchObject({
      type: 'string',
      default: '9:16',
      enum: ['9:16', '16:9', '1:1'],
    });
    expect(fields.resolution).toMatchObject({ default: '720p', enum: ['720p', '1080p'] });
    expect(fields.duration).toMatchObject({
      type: 'number',
      default: 3,
      minimum: 3,
      maximum: 15,
      step: 1,
      unit: 'seconds',
    });
    expect(fields.audioEnabled).toMatchObject({ type: 'boolean', default: true });
    expect(fields.referenceVideo).toMatchObject({
      label: 'Reference video',
      type: 'string',
      media: { kind: 'video', schemes: ['asset', 'https', 'data'] },
    });
    expect(fields.referenceAssetUris).toMatchObject({
      label: 'Reference images',
      type: 'array',
      media: { kind: 'image', schemes: ['asset', 'https', 'data'], maxItems: 7 },
    });
    expect(fields.referenceVideo?.media).not.toHaveProperty('maxItems');
  });

  it.each(['es', 'ru'] as const)('speaks %s when asked', (locale) => {
    const d = describeModel(ID, { locale });
    const kling = models.find((m) => m.id === ID);
    expect(d.description).toBe(kling?.description[locale]);
    expect(d.description).not.toBe(d.descriptions.en);
    expect(d.fields.map((f) => f.description)).toEqual(kling?.fields.map((f) => f.description[locale]));
    expect(d.pricingNote).toBe(kling?.pricing.note?.[locale]);
    expect(d.variantSelection).not.toBe(describeModel(ID).variantSelection);
    expect(d.fields.map((f) => f.label)).toEqual(kling?.fields.map((f) => f.label[locale]));
    expect(d.pricing.map((p) => p.label)).toEqual(kling?.pricing.variants.map((v) => v.label[locale]));
  });

  it('gives labels in the asked language: fields, slots and price words translated, resolutions kept', () => {
    const label = (locale: 'en' | 'es' | 'ru', name: string) =>
      describeModel(ID, { locale }).fields.find((f) => f.name === name)?.label;
    const row = (locale: 'en' | 'es' | 'ru', variant: string) =>
      describeModel(ID, { locale }).pricing.find((p) => p.variant === variant)?.label;
    expect([
      label('en', 'referenceVideo'),
      label('es', 'referenceVideo'),
      label('ru', 'referenceVideo'),
    ]).toEqual(['Reference video', 'Vídeo de referencia', 'Референсное видео']);
    expect([row('en', '720p-audio'), row('es', '720p-audio'), row('ru', '720p-audio')]).toEqual([
      '720p · Audio',
      '720p · Con audio',
      '720p · Со звуком',
    ]);
    expect([label('en', 'aspectRatio'), label('es', 'aspectRatio'), label('ru', 'aspectRatio')]).toEqual([
      'Aspect ratio',
      'Relación de aspecto',
      'Соотношение сторон',
    ]);
    expect(label('ru', 'prompt')).toBe('Запрос');
    expect(row('ru', '1080p')).toBe('1080p');
  });

  it('shows operator prices and the cheapest of them', () => {
    const d = describeModel(ID, { prices: { [ID]: { '720p': 9000, '1080p': 7000 } } });
    expect(d.fromTokensPerSecond).toBe(7);
    expect(d.pricing.find((p) => p.variant === '1080p')).toEqual({
      variant: '1080p',
      label: '1080p',
      unit: 'per_second',
      tokensPerSecond: 7,
    });
  });

  it('gives flat prices as tokens', () => {
    const d = describeModel(imageEditor);
    expect(d.fromTokens).toBe(1);
    expect(d).not.toHaveProperty('fromTokensPerSecond');
    expect(d.pricing[1]).toEqual({ variant: 'high', label: 'High', unit: 'flat', tokens: 2.5 });
    expect(d.fields.find((f) => f.name === 'strength')).toMatchObject({ type: 'number', step: 0.25 });
    expect(d.fields.find((f) => f.name === 'prompt')).not.toHaveProperty('maxLength');
  });

  it('throws UnknownModelError for an unknown id', () => {
    expect(() => describeModel('nope')).toThrow(UnknownModelError);
    expect(() => summarizeModel('nope')).toThrow(UnknownModelError);
  });

  it('is plain JSON', () => {
    const d = describeModel(ID);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });
});

describe('summarizeModel', () => {
  it("gives the entry's lifecycle, active by default, and the operator's in its place", () => {
    expect(summarizeModel(ID).lifecycle).toEqual({ status: 'active' });
    const retired = { status: 'retired', replacement: 'kling-3.0' } as const;
    expect(summarizeModel(ID, { lifecycle: () => retired }).lifecycle).toEqual(retired);
    expect(describeModel(ID, { lifecycle: () => retired }).lifecycle).toEqual(retired);
  });

  it('leaves out fields, schema and prices', () => {
    const s = summarizeModel(ID, { locale: 'ru' });
    expect(Object.keys(s).sort()).toEqual(
      [
        'capabilities',
        'description',
        'fromTokensPerSecond',
        'id',
        'lifecycle',
        'modes',
        'provider',
        'title',
        'type',
      ].sort(),
    );
    expect(s.description).toMatch(/[а-я]/);
    expect(summarizeModel(models[0] ?? ID)).toEqual(summarizeModel(ID));
  });
});
