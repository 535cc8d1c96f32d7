import { describe, expect, it } from 'vitest';
import { nulCharacters } from './text-in-body.ts';

describe('NUL characters in a JSON body', () => {
  it('names every value and key that holds one, as the API names fields', () => {
    const body = {
      model: 'kling-3.0-omni',
      input: { prompt: 'a\u0000b', referenceAssetUris: ['asset://x', 'https://h/\u0000'], 'x\u0000': 1 },
      webhookUrl: 'https://example.com/',
    };
    expect(nulCharacters(body).map((e) => e.param)).toEqual([
      'input.prompt',
      'input.referenceAssetUris[1]',
      'input.x\u0000',
    ]);
    expect(nulCharacters(body)[0]).toMatchObject({ code: 'invalid_value' });
  });

  it('passes ordinary text, numbers and escapes that are not NUL', () => {
    expect(nulCharacters({ a: 'line\nnext \u0001 \\0 ü', b: [1, true, null, { c: '' }] })).toEqual([]);
    expect(nulCharacters('\u0000')).toEqual([
      { param: 'body', code: 'invalid_value', message: expect.stringContaining('The body') },
    ]);
  });
});
