import type { Json } from '@reelay/catalog';
import { describe, expect, it } from 'vitest';
import { FAL_MODELS } from '../providers/fal/fal-models.ts';
import { REPLICATE_MODELS } from '../providers/replicate/replicate-models.ts';
import { type UpstreamModel, upstreamModel } from '../providers/upstream/upstream-model.ts';
import { REQUEST_BODIES } from './request-bodies.ts';
import { sentFields } from './sent-fields.ts';

const asAny = (m: unknown) => m as UpstreamModel<unknown>;

describe('sentFields', () => {
  it('describes a mapping by running it: fields, their types and values, and whether every request has them', () => {
    const mapping = upstreamModel({
      model: 'nano-banana',
      endpoint: 'test/nano',
      source: 'https://example.com',
      assess: ({ values }) => ({
        // 21:9 is refused: such requests are never sent, so its value is never described.
        problems: values.aspectRatio === '21:9' ? [{ code: 'aspect_ratio_unsupported', message: 'no' }] : [],
        warnings: [],
      }),
      build: ({ values, media }) => {
        const images = media.list('referenceAssetUris');
        const body: Record<string, Json> = { text: `${values.prompt}!`, shape: values.aspectRatio, n: 1 };
        if (images.length > 0) body.images = images.map((m) => m.url ?? '');
        if (media.one('sourceImage')) body.strength = 0.5;
        return { endpoint: images.length > 0 ? 'test/nano/edit' : 'test/nano', body };
      },
    });
    const sent = sentFields(asAny(mapping), REQUEST_BODIES.fal);
    expect(sent.map((e) => e.endpoint)).toEqual(['test/nano', 'test/nano/edit']);
    const [plain] = sent;
    expect(plain?.fields).toEqual([
      { name: 'n', types: ['integer'], values: [1], always: true },
      {
        name: 'shape',
        types: ['string'],
        values: ['1:1', '2:3', '3:2', '3:4', '4:3', '9:16', '16:9'],
        always: true,
      },
      { name: 'strength', types: ['number'], values: [0.5], always: false },
      // The caller's text: no finite set of values.
      { name: 'text', types: ['string'], values: null, always: true },
    ]);
    expect(sent[1]?.fields.find((f) => f.name === 'images')).toEqual({
      name: 'images',
      types: ['array'],
      values: null,
      always: true,
    });
  });

  it("follows the real mappings' choices: fal's Veo endpoints by the frames given, Replicate's fixed fields", () => {
    const veo = sentFields(asAny(FAL_MODELS['veo-3.1-lite']), REQUEST_BODIES.fal);
    expect(veo.map((e) => [e.endpoint, e.fields.map((f) => f.name)])).toEqual([
      ['fal-ai/veo3.1/lite', ['aspect_ratio', 'duration', 'generate_audio', 'prompt', 'resolution']],
      [
        'fal-ai/veo3.1/lite/first-last-frame-to-video',
        [
          'aspect_ratio',
          'duration',
          'first_frame_url',
          'generate_audio',
          'last_frame_url',
          'prompt',
          'resolution',
        ],
      ],
      [
        'fal-ai/veo3.1/lite/image-to-video',
        ['aspect_ratio', 'duration', 'generate_audio', 'image_url', 'prompt', 'resolution'],
      ],
    ]);
    expect(veo[0]?.fields.find((f) => f.name === 'duration')?.values).toEqual(['8s']);
    const seedream = sentFields(asAny(REPLICATE_MODELS['seedream-4.5']), REQUEST_BODIES.replicate);
    expect(seedream.map((e) => e.endpoint)).toEqual(['bytedance/seedream-4.5']);
    const fields = Object.fromEntries(seedream[0]?.fields.map((f) => [f.name, f]) ?? []);
    expect(fields.sequential_image_generation).toMatchObject({ values: ['disabled'], always: true });
    expect(fields.size?.values).toEqual(['2K', '4K']);
    expect(fields.image_input).toMatchObject({ types: ['array'], always: false });
    expect(fields.prompt?.values).toBeNull();
  });
});
