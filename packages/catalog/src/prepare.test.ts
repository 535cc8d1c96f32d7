import { describe, expect, it } from 'vitest';
import { prepare } from './prepare.ts';
import { PriceUnavailableError } from './pricing.ts';
import { findModel, UnknownModelError } from './registry.ts';
import type { FieldError } from './types.ts';

const MODEL = 'kling-3.0-omni';
const IMG = 'asset://asset_img1';
const VID = 'asset://asset_vid1';

function errorsOf(input: unknown): [string, string][] {
  const r = prepare(MODEL, input);
  if (r.ok) throw new Error(`expected errors for ${JSON.stringify(input)}`);
  return r.errors.map((e: FieldError) => [e.param, e.code]);
}

function ok(input: unknown) {
  const r = prepare(MODEL, input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

describe('prepare kling-3.0-omni', () => {
  it('accepts the reference example, applies nothing it did not need and quotes 25.5 tokens', () => {
    const v = ok({
      prompt: 'cinematic drone shot over a city at night',
      aspectRatio: '9:16',
      resolution: '720p',
      duration: 3,
      audioEnabled: true,
      referenceAssetUris: [IMG],
    });
    expect(v).toMatchObject({ model: MODEL, type: 'video', mode: 'image_to_video', variant: '720p-audio' });
    expect(v.quote).toEqual({ tokens: 25.5, milliTokens: 25_500, tokensPerSecond: 8.5, seconds: 3 });
    expect(v.media).toEqual([
      {
        param: 'input.referenceAssetUris[0]',
        field: 'referenceAssetUris',
        index: 0,
        kind: 'image',
        scheme: 'asset',
        uri: IMG,
        accepts: {
          mediaTypes: ['image/jpeg', 'image/png'],
          maxBytes: 10 * 1024 * 1024,
          side: { min: 300 },
          aspectRatio: { min: 0.4, max: 2.5 },
        },
      },
    ]);
  });

  it('fills in the defaults', () => {
    expect(ok({ prompt: 'p' }).input).toEqual({
      prompt: 'p',
      aspectRatio: '9:16',
      resolution: '720p',
      duration: 3,
      audioEnabled: true,
    });
  });

  it.each([
    ['720p', false, 5, '720p', 32],
    ['720p', true, 15, '720p-audio', 127.5],
    ['1080p', false, 3, '1080p', 25.5],
    ['1080p', true, 10, '1080p-audio', 113],
  ] as const)('%s audio=%s %is → %s, %d tokens', (resolution, audioEnabled, duration, variant, tokens) => {
    const v = ok({ prompt: 'p', resolution, audioEnabled, duration });
    expect(v.variant).toBe(variant);
    expect(v.quote.tokens).toBe(tokens);
  });

  it('applies operator price overrides', () => {
    const r = prepare(MODEL, { prompt: 'p', duration: 4 }, { prices: { [MODEL]: { '720p-audio': 10_000 } } });
    expect(r.ok && r.value.quote).toEqual({
      tokens: 40,
      milliTokens: 40_000,
      tokensPerSecond: 10,
      seconds: 4,
    });
  });

  it('refuses a variant without a price instead of quoting zero', () => {
    expect(() => prepare(MODEL, { prompt: 'p' }, { prices: { [MODEL]: { '720p-audio': 0 } } })).toThrow(
      PriceUnavailableError,
    );
  });

  it.each([
    [{ prompt: 'p' }, 'text_to_video'],
    [{ prompt: 'p', referenceAssetUris: [] }, 'text_to_video'],
    [{ prompt: 'p', referenceAssetUris: [IMG] }, 'image_to_video'],
    [{ prompt: 'p', referenceAssetUris: [IMG, IMG] }, 'reference_to_video'],
    [{ prompt: 'p', referenceVideo: VID }, 'video_to_video'],
    [{ prompt: 'p', referenceVideo: VID, referenceAssetUris: [IMG] }, 'video_to_video'],
  ])('%j → mode %s', (input, mode) => {
    expect(ok(input).mode).toBe(mode);
  });

  it('turns audio off by default with a reference video and refuses it on', () => {
    const v = ok({ prompt: 'p', referenceVideo: VID });
    expect(v.input.audioEnabled).toBe(false);
    expect(v.variant).toBe('720p');
    expect(ok({ prompt: 'p', referenceVideo: VID, audioEnabled: false }).variant).toBe('720p');
    expect(errorsOf({ prompt: 'p', referenceVideo: VID, audioEnabled: true })).toEqual([
      ['input.audioEnabled', 'rule_violation'],
    ]);
  });

  it.each(['9:16', '16:9', '1:1'])('accepts aspectRatio %s', (aspectRatio) => {
    expect(ok({ prompt: 'p', aspectRatio }).input.aspectRatio).toBe(aspectRatio);
  });

  it.each([3, 4, 14, 15])('accepts duration %d', (duration) => {
    expect(ok({ prompt: 'p', duration }).quote.seconds).toBe(duration);
  });

  it.each([
    [{ duration: 2 }, 'input.duration', 'out_of_range'],
    [{ duration: 16 }, 'input.duration', 'out_of_range'],
    [{ duration: 3.5 }, 'input.duration', 'not_on_step'],
    [{ duration: '5' }, 'input.duration', 'invalid_type'],
    [{ duration: null }, 'input.duration', 'invalid_type'],
    [{ aspectRatio: '4:3' }, 'input.aspectRatio', 'not_allowed'],
    [{ aspectRatio: 916 }, 'input.aspectRatio', 'invalid_type'],
    [{ resolution: '4k' }, 'input.resolution', 'not_allowed'],
    [{ resolution: '720P' }, 'input.resolution', 'not_allowed'],
    [{ audioEnabled: 1 }, 'input.audioEnabled', 'invalid_type'],
    [{ referenceAssetUris: IMG }, 'input.referenceAssetUris', 'invalid_type'],
    [{ referenceAssetUris: Array(8).fill(IMG) }, 'input.referenceAssetUris', 'too_many_items'],
    [{ referenceAssetUris: [IMG, 'ftp://x/y.png'] }, 'input.referenceAssetUris[1]', 'invalid_uri'],
    [{ referenceAssetUris: [IMG, IMG, 5] }, 'input.referenceAssetUris[2]', 'invalid_type'],
    [{ referenceAssetUris: ['asset://not-an-asset'] }, 'input.referenceAssetUris[0]', 'invalid_uri'],
    [{ referenceAssetUris: ['https://'] }, 'input.referenceAssetUris[0]', 'invalid_uri'],
    [
      { referenceAssetUris: ['https://user:pw@example.com/a.png'] },
      'input.referenceAssetUris[0]',
      'invalid_uri',
    ],
    [{ referenceAssetUris: ['data:video/mp4;base64,AAAA'] }, 'input.referenceAssetUris[0]', 'invalid_uri'],
    [{ referenceVideo: 'data:image/png;base64,AAAA' }, 'input.referenceVideo', 'invalid_uri'],
    [{ referenceVideo: [VID] }, 'input.referenceVideo', 'invalid_type'],
    [{ seed: 1 }, 'input.seed', 'unknown_field'],
    [{ variant: '1080p' }, 'input.variant', 'unknown_field'],
  ])('%j → %s %s', (extra, param, code) => {
    expect(errorsOf({ prompt: 'p', ...extra })).toEqual([[param, code]]);
  });

  it('accepts 7 images and every URI scheme', () => {
    const uris = [
      IMG,
      'https://cdn.example.com/a.png?x=1',
      'data:image/png;base64,iVBORw0KGgo=',
      'data:;base64,AAAA',
      IMG,
      IMG,
      IMG,
    ];
    const v = ok({ prompt: 'p', referenceAssetUris: uris });
    expect(v.media.map((m) => m.scheme)).toEqual([
      'asset',
      'https',
      'data',
      'data',
      'asset',
      'asset',
      'asset',
    ]);
    expect(v.mode).toBe('reference_to_video');
  });

  it('measures the prompt in characters, not bytes or UTF-16 units', () => {
    expect(ok({ prompt: '🎬'.repeat(2500) }).input.prompt).toHaveLength(5000);
    expect(errorsOf({ prompt: 'я'.repeat(2501) })).toEqual([['input.prompt', 'too_long']]);
    expect(ok({ prompt: 'я'.repeat(2500) }).mode).toBe('text_to_video');
  });

  it('requires a prompt with some text in it', () => {
    expect(errorsOf({})).toEqual([['input.prompt', 'required']]);
    expect(errorsOf({ prompt: '   ' })).toEqual([['input.prompt', 'required']]);
    expect(errorsOf({ prompt: 7 })).toEqual([['input.prompt', 'invalid_type']]);
  });

  it('reports every error at once, rules included', () => {
    const errors = errorsOf({
      prompt: 1,
      duration: 99,
      aspectRatio: 'wide',
      extra: true,
      referenceVideo: VID,
      audioEnabled: true,
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        ['input.extra', 'unknown_field'],
        ['input.prompt', 'invalid_type'],
        ['input.duration', 'out_of_range'],
        ['input.aspectRatio', 'not_allowed'],
        ['input.audioEnabled', 'rule_violation'],
      ]),
    );
    expect(errors).toHaveLength(5);
  });

  it('names what is allowed in its messages', () => {
    const r = prepare(MODEL, { prompt: 'p', duration: 3.5, aspectRatio: '4:3' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.message)).toEqual([
      'aspectRatio must be one of 9:16, 16:9, 1:1; got "4:3"',
      'duration must be a whole number of seconds from 3 to 15; got 3.5',
    ]);
    const typed = prepare(MODEL, { prompt: 'p', duration: '5', audioEnabled: 'yes' });
    expect(typed.ok ? [] : typed.errors.map((e) => e.message)).toEqual([
      'duration must be a whole number of seconds from 3 to 15; got a string ("5")',
      'audioEnabled must be true or false; got a string ("yes")',
    ]);
  });

  it.each([null, 'text', 42, [1, 2]])('refuses input %j that is not an object', (input) => {
    expect(errorsOf(input)).toEqual([['input', 'invalid_type']]);
  });

  it('throws UnknownModelError for a model the catalog does not have', () => {
    expect(() => prepare('nope', { prompt: 'p' })).toThrow(UnknownModelError);
    expect(findModel('nope')).toBeUndefined();
    expect(findModel(MODEL)?.title).toBe('Kling 3.0 Omni');
  });

  it('takes at most 4 reference images beside a reference video', () => {
    const four = ok({ prompt: 'p', referenceVideo: VID, referenceAssetUris: Array(4).fill(IMG) });
    expect(four.mode).toBe('video_to_video');
    expect(four.media.map((m) => m.param)).toEqual([
      'input.referenceVideo',
      'input.referenceAssetUris[0]',
      'input.referenceAssetUris[1]',
      'input.referenceAssetUris[2]',
      'input.referenceAssetUris[3]',
    ]);
    expect(errorsOf({ prompt: 'p', referenceVideo: VID, referenceAssetUris: Array(5).fill(IMG) })).toEqual([
      ['input.referenceAssetUris', 'too_many_items'],
    ]);
    const r = prepare(MODEL, { prompt: 'p', referenceVideo: VID, referenceAssetUris: Array(5).fill(IMG) });
    expect(r.ok ? '' : r.errors[0]?.message).toMatch(/at most 4 images when a referenceVideo is given/);
    // Without a video the limit is the field's own 7.
    expect(ok({ prompt: 'p', referenceAssetUris: Array(7).fill(IMG) }).mode).toBe('reference_to_video');
  });

  it('reports too many items and each bad item of the same list', () => {
    expect(errorsOf({ prompt: 'p', referenceAssetUris: [IMG, 'x', IMG, IMG, IMG, IMG, IMG, 7] })).toEqual([
      ['input.referenceAssetUris', 'too_many_items'],
      ['input.referenceAssetUris[1]', 'invalid_uri'],
      ['input.referenceAssetUris[7]', 'invalid_type'],
    ]);
  });

  it('keeps the normalised input apart from the caller object', () => {
    const uris = [IMG];
    const v = ok({ prompt: 'p', referenceAssetUris: uris });
    uris.push(IMG);
    expect(v.input.referenceAssetUris).toEqual([IMG]);
  });

  it('refuses fields inherited from prototypes and odd keys as unknown', () => {
    const input = JSON.parse('{"prompt":"p","__proto__":{"duration":15},"constructor":1}');
    expect(errorsOf(input)).toEqual([
      ['input.__proto__', 'unknown_field'],
      ['input.constructor', 'unknown_field'],
    ]);
    const inherited = Object.create({ duration: 15 }) as Record<string, unknown>;
    inherited.prompt = 'p';
    expect(ok(inherited).input.duration).toBe(3);
  });

  it('accepts near-integers for duration only when they are whole', () => {
    expect(errorsOf({ prompt: 'p', duration: 3.000000001 })).toEqual([['input.duration', 'not_on_step']]);
    expect(ok({ prompt: 'p', duration: 15.0 }).quote.tokens).toBe(127.5);
  });
});
