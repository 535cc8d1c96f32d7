import { findModel, type MediaAccepts, type MediaField } from '@reelay/catalog';
import { describe, expect, it } from 'vitest';
import { checkSlot, type SlotFacts } from './slot-constraints.ts';

const omni = findModel('kling-3.0-omni');
const acceptsOf = (name: string) =>
  (omni?.fields.find((f) => f.name === name) as MediaField | undefined)?.accepts as MediaAccepts;
const IMAGE = acceptsOf('referenceAssetUris');
const VIDEO = acceptsOf('referenceVideo');

const image = (o: Partial<SlotFacts> = {}): SlotFacts => ({
  kind: 'image',
  mediaType: 'image/png',
  bytes: 500_000,
  width: 1000,
  height: 1000,
  durationSeconds: null,
  fps: null,
  ...o,
});
const video = (o: Partial<SlotFacts> = {}): SlotFacts => ({
  kind: 'video',
  mediaType: 'video/mp4',
  bytes: 20_000_000,
  width: 720,
  height: 1280,
  durationSeconds: 5,
  fps: 30,
  ...o,
});
const P = 'input.referenceAssetUris[3]';
const codes = (facts: SlotFacts, accepts: MediaAccepts) => checkSlot(facts, accepts, P).map((e) => e.code);

describe('kling-3.0-omni declares its published limits', () => {
  it('images: JPEG or PNG, ≤ 10 MB, ≥ 300 px a side, 1:2.5 to 2.5:1', () => {
    expect(IMAGE).toEqual({
      mediaTypes: ['image/jpeg', 'image/png'],
      maxBytes: 10 * 1024 * 1024,
      side: { min: 300 },
      aspectRatio: { min: 0.4, max: 2.5 },
    });
  });
  it('reference video: MP4 or MOV, ≤ 200 MB, 720–2160 px, 3–10 s, 24–60 fps', () => {
    expect(VIDEO).toEqual({
      mediaTypes: ['video/mp4', 'video/quicktime'],
      maxBytes: 200 * 1024 * 1024,
      side: { min: 720, max: 2160 },
      durationSeconds: { min: 3, max: 10 },
      fps: { min: 24, max: 60 },
    });
  });
});

describe('checkSlot on images', () => {
  it('passes a good JPEG or PNG and everything exactly on a limit', () => {
    for (const facts of [
      image(),
      image({ mediaType: 'image/jpeg' }),
      image({ bytes: 10 * 1024 * 1024 }),
      image({ width: 300, height: 300 }),
      image({ width: 750, height: 300 }),
      image({ width: 300, height: 750 }),
    ]) {
      expect(checkSlot(facts, IMAGE, P)).toEqual([]);
    }
  });
  it.each([
    ['WebP', image({ mediaType: 'image/webp' }), 'not_allowed', /is WebP; this slot takes JPEG or PNG/],
    ['GIF', image({ mediaType: 'image/gif' }), 'not_allowed', /is GIF/],
    ['one byte over 10 MB', image({ bytes: 10 * 1024 * 1024 + 1 }), 'out_of_range', /10485761 bytes/],
    [
      '299 px wide',
      image({ width: 299, height: 600 }),
      'out_of_range',
      /299×600 px; each side must be at least 300/,
    ],
    ['299 px high', image({ width: 600, height: 299 }), 'out_of_range', /600×299 px/],
    ['wider than 2.5:1', image({ width: 751, height: 300 }), 'out_of_range', /751×300 px \(2\.503:1\)/],
    [
      'taller than 1:2.5',
      image({ width: 300, height: 751 }),
      'out_of_range',
      /\(1:2\.503\); its aspect ratio must be between 1:2\.5 and 2\.5:1/,
    ],
  ])('refuses %s', (_what, facts, code, message) => {
    const errors = checkSlot(facts, IMAGE, P);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ param: P, code });
    expect(errors[0]?.message).toMatch(message);
    expect(errors[0]?.message.startsWith(`${P}: `)).toBe(true);
  });
  it('reports every broken rule of one file', () => {
    expect(
      codes(image({ mediaType: 'image/webp', width: 100, height: 1000, bytes: 11 * 1024 * 1024 }), IMAGE),
    ).toEqual(['not_allowed', 'out_of_range', 'out_of_range', 'out_of_range']);
  });
});

describe('checkSlot on the reference video', () => {
  it('passes a good MP4 or MOV and everything exactly on a limit', () => {
    for (const facts of [
      video(),
      video({ mediaType: 'video/quicktime' }),
      video({ durationSeconds: 3 }),
      video({ durationSeconds: 10 }),
      video({ durationSeconds: 10.04 }),
      video({ width: 720, height: 720 }),
      video({ width: 2160, height: 2160 }),
      video({ fps: 24 }),
      video({ fps: 60 }),
      video({ bytes: 200 * 1024 * 1024 }),
    ]) {
      expect(checkSlot(facts, VIDEO, 'input.referenceVideo')).toEqual([]);
    }
  });
  it.each([
    ['WebM', video({ mediaType: 'video/webm' }), /is WebM; this slot takes MP4 or MOV/],
    ['MKV', video({ mediaType: 'video/x-matroska' }), /is MKV/],
    ['over 200 MB', video({ bytes: 200 * 1024 * 1024 + 1 }), /at most 209715200 bytes/],
    ['2.9 s', video({ durationSeconds: 2.9 }), /lasts 2\.9 s; this slot takes 3 to 10 s/],
    ['10.1 s', video({ durationSeconds: 10.1 }), /lasts 10\.1 s/],
    ['a side of 719 px', video({ width: 719, height: 1280 }), /each side must be at least 720 px/],
    ['a side of 2161 px', video({ width: 1080, height: 2161 }), /each side must be at most 2160 px/],
    ['23.976 fps', video({ fps: 24000 / 1001 }), /runs at 23\.976 fps; this slot takes 24 to 60 fps/],
    ['120 fps', video({ fps: 120 }), /runs at 120 fps/],
  ])('refuses %s', (_what, facts, message) => {
    const errors = checkSlot(facts, VIDEO, 'input.referenceVideo');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.param).toBe('input.referenceVideo');
    expect(errors[0]?.message).toMatch(message);
  });
});

describe('checkSlot without constraints', () => {
  it('accepts anything when the slot declares none, and skips facts a file does not have', () => {
    expect(checkSlot(image({ mediaType: 'image/webp', width: 1 }), undefined, P)).toEqual([]);
    expect(checkSlot(video({ fps: null, durationSeconds: null }), VIDEO, P)).toEqual([]);
  });
});
