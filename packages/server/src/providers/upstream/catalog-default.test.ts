import { type Json, models, prepare, requireModel } from '@reelay/catalog';
import { describe, expect, it } from 'vitest';
import { assessForFal, falRequest } from '../fal/fal-models.ts';
import { assessForKling } from '../kling/kling-models.ts';
import { klingSubmission } from '../kling/kling-provider.ts';
import type { ResolvedMedia, StartCall } from '../provider.ts';
import { assessForReplicate, replicateInput } from '../replicate/replicate-models.ts';
import { DEFAULT_ROUTES } from '../upstream-models.ts';
import { catalogDefault, preparedValues } from './catalog-default.ts';

type Call = Omit<StartCall, 'signal' | 'idempotencyKey' | 'callbackUrl'>;
type Input = Readonly<Record<string, Json>>;

/** The defaults each model declares on its fields, read straight from the catalog's entries. */
const declared = (model: string): Record<string, Json> =>
  Object.fromEntries(
    requireModel(model).fields.flatMap((f) =>
      'default' in f && f.default !== undefined ? [[f.name, f.default as Json]] : [],
    ),
  );

/**
 * A model's call as the worker builds it: the catalog example's required fields only, normalised by `prepare`
 * (every default applied), its required media resolved to URLs an upstream can fetch.
 */
function minimalCall(model: string): Call {
  const entry = requireModel(model);
  const required = Object.fromEntries(
    entry.fields.filter((f) => f.required).map((f) => [f.name, entry.exampleInput[f.name] ?? null]),
  );
  const prepared = prepare(entry, required);
  if (!prepared.ok) throw new Error(`${model}: ${JSON.stringify(prepared.errors)}`);
  const { value } = prepared;
  const media: ResolvedMedia[] = value.media.map((m) => ({
    field: m.field,
    index: m.index,
    kind: m.kind,
    assetId: `asset_${m.field}`,
    mediaType: m.kind === 'video' ? 'video/mp4' : 'image/png',
    path: '/nonexistent',
    bytes: 1000,
    url: `https://cdn.example.com/${m.field}`,
  }));
  return {
    generationId: 'gen_defaults',
    model,
    type: value.type,
    mode: value.mode,
    variant: value.variant,
    input: value.input,
    media,
  };
}

/** The same call with every field that has a declared default left out (as an input stored before it had one). */
function withoutDefaults(call: Call): Call {
  const defaults = declared(call.model);
  return {
    ...call,
    input: Object.fromEntries(Object.entries(call.input).filter(([name]) => !(name in defaults))),
  };
}

const num = (v: Json | undefined) => Number(v);

/** What each upstream is sent for a model's defaults, in its own spelling (`d` is the normalised input). */
const SENT: Record<string, (model: string, d: Input) => Record<string, Json>> = {
  kling: (_model, d): Record<string, Json> => ({
    aspect_ratio: d.aspectRatio ?? null,
    duration: String(d.duration),
    mode: d.resolution === '720p' ? 'std' : 'pro',
    ...('audioEnabled' in d ? { sound: d.audioEnabled ? 'on' : 'off' } : {}),
  }),
  fal: (model, d): Record<string, Json> => {
    if (model === 'kling-3.0-omni' || model === 'kling-3.0') {
      return {
        duration: String(d.duration),
        aspect_ratio: d.aspectRatio ?? null,
        generate_audio: d.audioEnabled ?? null,
      };
    }
    if (model === 'nano-banana' || model === 'nano-banana-2') {
      return {
        aspect_ratio: d.aspectRatio ?? null,
        ...(model === 'nano-banana-2' ? { resolution: d.imageSize ?? null } : {}),
      };
    }
    if (model === 'kling-2.6-motion' || model === 'kling-3.0-motion')
      return { keep_original_sound: d.audioEnabled ?? null };
    if (model === 'veo-3.1-lite') {
      return {
        aspect_ratio: d.aspectRatio ?? null,
        duration: `${d.duration}s`,
        resolution: d.resolution ?? null,
        generate_audio: d.audioEnabled ?? null,
      };
    }
    if (model === 'happyhorse-1.0') {
      return {
        aspect_ratio: d.aspectRatio ?? null,
        resolution: d.resolution ?? null,
        duration: num(d.duration),
      };
    }
    throw new Error(`no spelling for ${model} on fal in this test`);
  },
  replicate: (model, d): Record<string, Json> => {
    if (model === 'kling-3.0-omni') {
      return {
        mode: d.resolution === '1080p' ? 'pro' : 'standard',
        aspect_ratio: d.aspectRatio ?? null,
        duration: num(d.duration),
        generate_audio: d.audioEnabled ?? null,
      };
    }
    const size = { 'nano-banana-2': 'resolution', 'seedream-4.5': 'size', 'seedream-5': 'size' }[model];
    return {
      aspect_ratio: d.aspectRatio ?? null,
      ...(size ? { [size]: d.imageSize ?? null } : {}),
      ...(model === 'gpt-image-2' ? { quality: d.quality ?? null } : {}),
    };
  },
};

const ADAPTERS: Record<
  string,
  { body: (call: Call) => Record<string, Json>; assess: (call: Call) => unknown }
> = {
  kling: {
    body: (call) => klingSubmission(call).body,
    assess: assessForKling,
  },
  fal: { body: (call) => falRequest(call).body, assess: assessForFal },
  replicate: { body: replicateInput, assess: assessForReplicate },
};

const ROUTED = Object.entries(DEFAULT_ROUTES).flatMap(([model, providers]) =>
  providers.filter((p) => p !== 'local').map((provider) => [provider, model] as const),
);

describe('catalogDefault', () => {
  it("reads the default a model's field declares, and nothing for a field or model the catalog lacks", () => {
    expect(catalogDefault('kling-3.0-omni', 'aspectRatio')).toBe('9:16');
    expect(catalogDefault('kling-3.0-omni', 'duration')).toBe(3);
    expect(catalogDefault('kling-2.6', 'duration')).toBe(5);
    expect(catalogDefault('gpt-image-2', 'quality')).toBe('medium');
    expect(catalogDefault('kling-2.6', 'audioEnabled')).toBeUndefined();
    expect(catalogDefault('kling-o1', 'audioEnabled')).toBeUndefined();
    expect(catalogDefault('no-such-model', 'duration')).toBeUndefined();
  });

  it('never lets an adapter invent a value: a field with neither a value nor a default is an error', () => {
    expect(() => preparedValues('kling-3.0-omni', {})).toThrow(/prompt/);
  });
});

describe('adapters send the catalog defaults', () => {
  it('sends kling-3.0-omni without aspectRatio and duration as the catalog has them: 9:16, 3 s', () => {
    const call: Call = { ...minimalCall('kling-3.0-omni'), input: { prompt: 'a lighthouse at dusk' } };
    expect(declared('kling-3.0-omni')).toMatchObject({ aspectRatio: '9:16', duration: 3 });
    expect(klingSubmission(call).body).toMatchObject({
      aspect_ratio: '9:16',
      duration: '3',
      mode: 'std',
      sound: 'on',
    });
    expect(falRequest(call)).toMatchObject({
      endpoint: 'fal-ai/kling-video/o3/standard/text-to-video',
      body: { aspect_ratio: '9:16', duration: '3', generate_audio: true },
    });
    expect(replicateInput(call)).toMatchObject({
      aspect_ratio: '9:16',
      duration: 3,
      mode: 'standard',
      generate_audio: true,
    });
  });

  it('covers every upstream of every default route', () => {
    expect(ROUTED.length).toBeGreaterThan(0);
    for (const [provider] of ROUTED) expect(Object.keys(ADAPTERS)).toContain(provider);
    // Every routed model is a catalog model, so its defaults can be read.
    const ids = new Set(models.map((m) => m.id));
    for (const [, model] of ROUTED) expect(ids.has(model), model).toBe(true);
  });

  it.each(ROUTED)(
    '%s sends %s the normalised defaults, with or without them in the stored input',
    (provider, model) => {
      const adapter = ADAPTERS[provider];
      const spell = SENT[provider];
      if (!adapter || !spell) throw new Error(`no adapter ${provider}`);
      const call = minimalCall(model);
      const body = adapter.body(call);
      expect(body).toMatchObject(spell(model, call.input));
      const bare = withoutDefaults(call);
      expect(Object.keys(bare.input).length).toBeLessThan(Object.keys(call.input).length);
      expect(adapter.body(bare)).toEqual(body);
      expect(adapter.assess(bare)).toEqual(adapter.assess(call));
    },
  );
});
