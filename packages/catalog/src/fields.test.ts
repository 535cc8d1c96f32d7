import { describe, expect, it } from 'vitest';
import { field } from './fields.ts';
import { prepare } from './prepare.ts';
import { imageEditor, steppedVideo } from './test-models.ts';
import type { ModelEntry } from './types.ts';

const text = { en: 'x', es: 'x', ru: 'x' };
const IMG = 'asset://asset_i1';

function errorsOf(model: ModelEntry, input: unknown): [string, string][] {
  const r = prepare(model, input);
  return r.ok ? [] : r.errors.map((e) => [e.param, e.code]);
}

describe('field builders', () => {
  it('label scalar fields by their shared name, else by name, and fill in the usual choices', () => {
    expect(field.text('prompt', { description: text })).toEqual({
      kind: 'string',
      name: 'prompt',
      label: { en: 'Prompt', es: 'Instrucción', ru: 'Запрос' },
      description: text,
      required: false,
    });
    expect(field.text('caption', { description: text }).label).toEqual({
      en: 'caption',
      es: 'caption',
      ru: 'caption',
    });
    const label = { en: 'Start image', es: 'Imagen inicial', ru: 'Начальное изображение' };
    expect(field.media('startImage', 'image', { label, description: text })).toMatchObject({
      kind: 'media',
      label,
      media: 'image',
      schemes: ['asset', 'https', 'data'],
    });
    expect(field.media('startImage', 'image', { description: text })).not.toHaveProperty('maxItems');
    expect(
      field.mediaList('refs', 'video', { maxItems: 3, schemes: ['https'], description: text }),
    ).toMatchObject({
      maxItems: 3,
      schemes: ['https'],
    });
    expect(field.range('d', { min: 1, max: 2, step: 1, description: text })).not.toHaveProperty('default');
  });
});

describe('a model built from the builders', () => {
  it('applies every default and quotes a flat price', () => {
    const r = prepare(imageEditor, { prompt: 'a corgi', quality: 'high' });
    expect(r.ok && r.value).toMatchObject({
      input: { prompt: 'a corgi', quality: 'high', strength: 0.5 },
      mode: 'text_to_image',
      variant: 'high',
      quote: { tokens: 2.5, milliTokens: 2500 },
    });
  });

  it('takes a prompt of any length when no limit is declared, and limits one that is', () => {
    expect(errorsOf(imageEditor, { prompt: 'x'.repeat(100_000) })).toEqual([]);
    expect(errorsOf(imageEditor, { prompt: 'p', negativePrompt: 'x'.repeat(10) })).toEqual([]);
    expect(errorsOf(imageEditor, { prompt: 'p', negativePrompt: 'x'.repeat(11) })).toEqual([
      ['input.negativePrompt', 'too_long'],
    ]);
    expect(errorsOf(imageEditor, { prompt: 'p', negativePrompt: ' ' })).toEqual([
      ['input.negativePrompt', 'too_short'],
    ]);
  });

  it('checks fractional steps', () => {
    expect(errorsOf(imageEditor, { prompt: 'p', strength: 0.75 })).toEqual([]);
    expect(errorsOf(imageEditor, { prompt: 'p', strength: 0.8 })).toEqual([
      ['input.strength', 'not_on_step'],
    ]);
    expect(errorsOf(imageEditor, { prompt: 'p', strength: 0 })).toEqual([['input.strength', 'out_of_range']]);
    const r = prepare(imageEditor, { prompt: 'p', strength: 0.3 });
    expect(r.ok ? [] : r.errors.map((e) => e.message)).toEqual([
      'strength must be a number from 0.25 to 1 in steps of 0.25; got 0.3',
    ]);
  });

  it('forgives float rounding on a decimal step and keeps the grid value', () => {
    const tenths: ModelEntry = {
      ...imageEditor,
      id: 'test-tenths',
      fields: [field.range('x', { required: true, min: 0, max: 1, step: 0.1, description: text })],
      rules: [],
      selectVariant: () => 'low',
    };
    const r = prepare(tenths, { x: 0.1 + 0.2 });
    expect(r.ok && r.value.input.x).toBe(0.3);
    expect(errorsOf(tenths, { x: 0.35 })).toEqual([['input.x', 'not_on_step']]);
    expect(errorsOf(tenths, {})).toEqual([['input.x', 'required']]);
  });

  it('checks whole steps that do not start at zero', () => {
    expect(errorsOf(steppedVideo, { prompt: 'p', duration: 10 })).toEqual([]);
    expect(errorsOf(steppedVideo, { prompt: 'p', duration: 7 })).toEqual([['input.duration', 'not_on_step']]);
    expect(errorsOf(steppedVideo, { prompt: 'p', fps: 7 })).toEqual([]);
    expect(errorsOf(steppedVideo, { prompt: 'p', fps: 6 })).toEqual([['input.fps', 'not_on_step']]);
    const r = prepare(steppedVideo, { prompt: 'p', duration: 7 });
    expect(r.ok ? '' : r.errors[0]?.message).toBe(
      'duration must be a whole number of seconds from 5 to 10 in steps of 5; got 7',
    );
  });

  it('refuses a scheme a slot does not take', () => {
    expect(errorsOf(imageEditor, { prompt: 'p', sourceImage: 'data:image/png;base64,AAAA' })).toEqual([
      ['input.sourceImage', 'invalid_uri'],
    ]);
    expect(
      errorsOf(imageEditor, { prompt: 'p', maskImage: 'data:image/png;base64,AAAA', sourceImage: IMG }),
    ).toEqual([]);
  });

  it('derives the mode from the filled slots', () => {
    const mode = (input: object) => {
      const r = prepare(imageEditor, { prompt: 'p', ...input });
      return r.ok ? r.value.mode : r.errors;
    };
    expect(mode({})).toBe('text_to_image');
    expect(mode({ referenceAssetUris: [IMG] })).toBe('image_reference');
    expect(mode({ sourceImage: IMG, referenceAssetUris: [IMG] })).toBe('image_edit');
  });
});

describe('needs', () => {
  it('refuses a dependent slot without the slot it needs', () => {
    expect(errorsOf(imageEditor, { prompt: 'p', maskImage: IMG })).toEqual([
      ['input.maskImage', 'rule_violation'],
    ]);
    const r = prepare(imageEditor, { prompt: 'p', maskImage: IMG });
    expect(r.ok ? '' : r.errors[0]?.message).toBe(
      'maskImage needs sourceImage: give sourceImage too, or leave maskImage out',
    );
    expect(errorsOf(steppedVideo, { prompt: 'p', endImage: IMG })).toEqual([
      ['input.endImage', 'rule_violation'],
    ]);
    expect(errorsOf(steppedVideo, { prompt: 'p', endImage: IMG, startImage: IMG })).toEqual([]);
  });

  it('does not repeat the error of a needed slot that was sent but is wrong', () => {
    expect(errorsOf(imageEditor, { prompt: 'p', maskImage: IMG, sourceImage: 'nope' })).toEqual([
      ['input.sourceImage', 'invalid_uri'],
    ]);
  });
});
