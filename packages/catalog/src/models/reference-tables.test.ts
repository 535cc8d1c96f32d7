import { describe, expect, it } from 'vitest';
import { describeModel, summarizeModel } from '../describe-model.ts';
import { inputSchema } from '../json-schema.ts';
import { prepare } from '../prepare.ts';
import { checkPriceOverrides, PriceUnavailableError, quoteFor } from '../pricing.ts';
import { findModel, models } from '../registry.ts';
import type { Json, ModelEntry } from '../types.ts';

const IMG = 'asset://asset_img1';
const VID = 'asset://asset_vid1';
const AUD = 'asset://asset_aud1';

const model = (id: string) => findModel(id) as ModelEntry;
/** Variant → tokens of a model's charged rows, as a page would show them. */
const table = (id: string) =>
  Object.fromEntries(
    model(id)
      .pricing.variants.filter((v) => !v.informational)
      .map((v) => [v.label.en, v.milliTokens / 1000]),
  );
const errorsOf = (id: string, input: Record<string, Json>) => {
  const r = prepare(id, input);
  return r.ok ? [] : r.errors.map((e) => [e.param, e.code]);
};

describe('the catalog against the reference', () => {
  it('has the sixteen models of the reference, video first, with their providers', () => {
    expect(models.map((m) => [m.id, m.type, m.provider])).toEqual([
      ['kling-3.0-omni', 'video', 'Kling'],
      ['kling-3.0', 'video', 'Kling'],
      ['kling-3.0-motion', 'video', 'Kling'],
      ['kling-2.6', 'video', 'Kling'],
      ['kling-2.6-motion', 'video', 'Kling'],
      ['kling-o1', 'video', 'Kling'],
      ['happyhorse-1.0', 'video', 'Alibaba'],
      ['happyhorse-1.1', 'video', 'Alibaba'],
      ['seedance-2.0-relaxed', 'video', 'BytePlus'],
      ['veo-3.1-lite', 'video', 'Google'],
      ['gpt-image-2', 'image', 'OpenAI'],
      ['nano-banana', 'image', 'Google'],
      ['nano-banana-2', 'image', 'Google'],
      ['grok-imagine', 'image', 'xAI'],
      ['seedream-5', 'image', 'BytePlus'],
      ['seedream-4.5', 'image', 'BytePlus'],
    ]);
  });

  it('shows the "from" price of every reference page', () => {
    const from = Object.fromEntries(
      models.map((m) => {
        const s = summarizeModel(m);
        return [m.id, s.fromTokensPerSecond ?? s.fromTokens];
      }),
    );
    expect(from).toEqual({
      'kling-3.0-omni': 6.4,
      'kling-3.0': 3,
      'kling-3.0-motion': 7,
      'kling-2.6': 3,
      'kling-2.6-motion': 8,
      'kling-o1': 5.5,
      'happyhorse-1.0': 6,
      'happyhorse-1.1': 5.5,
      'seedance-2.0-relaxed': 5.5,
      'veo-3.1-lite': 3,
      'gpt-image-2': 1,
      'nano-banana': 2,
      'nano-banana-2': 3,
      'grok-imagine': 2,
      'seedream-5': 2,
      'seedream-4.5': 2,
    });
    for (const m of models) {
      const s = summarizeModel(m);
      expect(m.type === 'image' ? s.fromTokensPerSecond : s.fromTokens, m.id).toBeUndefined();
    }
  });

  it('carries the complete tables of the reference', () => {
    expect(table('kling-3.0')).toEqual({
      '720p': 3,
      '720p · Audio': 5.5,
      '1080p': 6,
      '1080p · Audio': 9,
      '4K': 15,
      '4K · Audio': 15,
    });
    expect(table('kling-2.6')).toEqual({ '720p': 3, '1080p': 4, '1080p · Audio': 8 });
    expect(table('happyhorse-1.1')).toEqual({ '720p': 5.5, '1080p': 7 });
    expect(table('gpt-image-2')).toEqual({
      'Low · 1K': 1,
      'Low · 2K': 1.5,
      'Low · 4K': 3,
      'Medium · 1K': 1.5,
      'Medium · 2K': 3,
      'Medium · 4K': 5,
      'High · 1K': 5,
      'High · 2K': 9,
      'High · 4K': 15,
    });
    expect(table('seedream-5')).toEqual({ '2K': 2, '3K': 2 });
    expect(table('seedream-4.5')).toEqual({ '2K': 2, '4K': 2 });
    expect(table('grok-imagine')).toEqual({ Standard: 2 });
    expect(table('nano-banana')).toEqual({ '1K': 2 });
    expect(table('kling-3.0-motion')).toEqual({ Standard: 7 });
    expect(table('kling-2.6-motion')).toEqual({ Standard: 8 });
  });

  it('lists the flat Kling rows as informational: shown, never quoted, not overridable', () => {
    const flat = (id: string) =>
      describeModel(id)
        .pricing.filter((p) => p.informational)
        .map((p) => [p.label, p.tokens, p.unit]);
    expect(flat('kling-3.0')).toEqual([
      ['1080p', 6, 'flat'],
      ['1080p · Audio', 8, 'flat'],
      ['720p', 4, 'flat'],
      ['720p · Audio', 6.5, 'flat'],
    ]);
    expect(flat('kling-2.6')).toEqual([
      ['1080p', 4.2, 'flat'],
      ['1080p · Audio', 8.4, 'flat'],
      ['720p', 3, 'flat'],
    ]);
    const input = { prompt: 'p', resolution: '720p', duration: 3, audioEnabled: false };
    expect(() => quoteFor(model('kling-3.0'), input, '720p-flat')).toThrow(PriceUnavailableError);
    expect(checkPriceOverrides({ 'kling-3.0': { '720p-flat': 1000 } })).toEqual([
      expect.stringContaining('kling-3.0 has no variant 720p-flat'),
    ]);
    expect(checkPriceOverrides({ 'kling-3.0': { '4k-audio': 20000 } })).toEqual([]);
  });

  it('marks the prices the reference does not publish as provisional, with a note', () => {
    const provisional = models.filter((m) => m.pricing.variants.some((v) => v.provisional)).map((m) => m.id);
    expect(provisional).toEqual([
      'kling-3.0-omni',
      'kling-o1',
      'happyhorse-1.0',
      'seedance-2.0-relaxed',
      'veo-3.1-lite',
      'nano-banana-2',
    ]);
    for (const id of provisional) {
      expect(model(id).pricing.variants.every((v) => v.provisional)).toBe(true);
      expect(model(id).pricing.note?.en).toMatch(/provisional/i);
      expect(model(id).pricing.note?.ru).toMatch(/редварительн/);
    }
  });
});

describe('model rules', () => {
  it('kling-2.6 makes audio only at 1080p', () => {
    const at = (input: Record<string, Json>) => prepare('kling-2.6', { prompt: 'p', ...input });
    const r720 = at({});
    const r1080 = at({ resolution: '1080p' });
    if (!r720.ok || !r1080.ok) throw new Error('defaults refused');
    expect([r720.value.input.audioEnabled, r720.value.variant]).toEqual([false, '720p']);
    expect([r1080.value.input.audioEnabled, r1080.value.variant]).toEqual([true, '1080p-audio']);
    expect(errorsOf('kling-2.6', { prompt: 'p', audioEnabled: true })).toEqual([
      ['input.audioEnabled', 'rule_violation'],
    ]);
    const off = at({ resolution: '1080p', audioEnabled: false, duration: 10 });
    expect(off.ok && [off.value.variant, off.value.quote.tokens]).toEqual(['1080p', 40]);
  });

  it('refuses a start frame mixed with the inputs of another way of running', () => {
    expect(errorsOf('happyhorse-1.0', { prompt: 'p', startImage: IMG, sourceVideo: VID })).toEqual([
      ['input.startImage', 'rule_violation'],
    ]);
    expect(errorsOf('happyhorse-1.1', { prompt: 'p', startImage: IMG, referenceAssetUris: [IMG] })).toEqual([
      ['input.startImage', 'rule_violation'],
    ]);
    expect(errorsOf('veo-3.1-lite', { prompt: 'p', startImage: IMG, referenceAssetUris: [IMG] })).toEqual([
      ['input.referenceAssetUris', 'rule_violation'],
    ]);
    expect(errorsOf('kling-o1', { prompt: 'p', startImage: IMG, referenceVideo: VID })).toEqual([
      ['input.referenceVideo', 'rule_violation'],
    ]);
    expect(
      errorsOf('happyhorse-1.0', { prompt: 'p', sourceVideo: VID, referenceAssetUris: Array(6).fill(IMG) }),
    ).toEqual([['input.referenceAssetUris', 'too_many_items']]);
    expect(
      errorsOf('happyhorse-1.0', { prompt: 'p', sourceVideo: VID, referenceAssetUris: Array(5).fill(IMG) }),
    ).toEqual([]);
  });

  it('seedance fills numbered slots in order and needs a visual reference for a voiceover', () => {
    const base = { prompt: 'p' };
    expect(errorsOf('seedance-2.0-relaxed', { ...base, speechAudio: AUD })).toEqual([
      ['input.speechAudio', 'rule_violation'],
    ]);
    expect(errorsOf('seedance-2.0-relaxed', { ...base, referenceVideo: VID, referenceVideo3: VID })).toEqual([
      ['input.referenceVideo3', 'rule_violation'],
    ]);
    expect(errorsOf('seedance-2.0-relaxed', { ...base, referenceVideo: VID, speechAudio2: AUD })).toEqual([
      ['input.speechAudio2', 'rule_violation'],
    ]);
    const full = prepare('seedance-2.0-relaxed', {
      ...base,
      referenceVideo: VID,
      referenceVideo2: VID,
      speechAudio: AUD,
      speechAudio2: AUD,
      speechAudio3: AUD,
      referenceAssetUris: [IMG],
    });
    expect(full.ok && [full.value.mode, full.value.media.map((m) => m.kind).join()]).toEqual([
      'video_to_video',
      'video,video,audio,audio,audio,image',
    ]);
    expect(errorsOf('seedance-2.0-relaxed', { ...base, startImage: IMG, referenceAssetUris: [IMG] })).toEqual(
      [['input.startImage', 'rule_violation']],
    );
  });

  it('says the rules in the published schema too', () => {
    const schema = JSON.stringify(inputSchema(model('seedance-2.0-relaxed')));
    expect(schema).toContain('"not"');
    expect(JSON.stringify(inputSchema(model('kling-2.6')))).toContain('"const":false');
  });

  it('lists motion models under both capabilities they show, running as video_to_video', () => {
    const s = summarizeModel('kling-3.0-motion');
    expect([s.modes, s.capabilities]).toEqual([['video_to_video'], ['image_to_video', 'video_to_video']]);
    expect(errorsOf('kling-3.0-motion', { prompt: 'p', referencePhoto: IMG })).toEqual([
      ['input.motionVideo', 'required'],
    ]);
    const r = prepare('kling-2.6-motion', {
      prompt: 'p',
      referencePhoto: IMG,
      motionVideo: VID,
      duration: 15,
    });
    expect(r.ok && r.value.quote).toEqual({
      tokens: 120,
      milliTokens: 120000,
      tokensPerSecond: 8,
      seconds: 15,
    });
  });

  it('prices gpt-image-2 by quality and size and image models per image', () => {
    const r = prepare('gpt-image-2', { prompt: 'p', quality: 'high', imageSize: '4K', sourceImage: IMG });
    expect(r.ok && [r.value.variant, r.value.mode, r.value.quote]).toEqual([
      'high-4k',
      'image_edit',
      { tokens: 15, milliTokens: 15000 },
    ]);
    expect(errorsOf('gpt-image-2', { prompt: 'p', maskImage: IMG })).toEqual([
      ['input.maskImage', 'rule_violation'],
    ]);
    const refs = prepare('nano-banana-2', { prompt: 'p', imageSize: '4K', referenceAssetUris: [IMG, IMG] });
    expect(refs.ok && [refs.value.mode, refs.value.quote.tokens]).toEqual(['image_reference', 6.75]);
  });
});
