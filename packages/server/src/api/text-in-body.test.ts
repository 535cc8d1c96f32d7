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
      'input',
    ]);
    expect(nulCharacters(body)[0]).toMatchObject({ code: 'invalid_value' });
    // A bad key is named by where it sits, never echoed back.
    expect(nulCharacters(body)[2]?.message).toBe(
      'A key of input contains a NUL character (\\u0000), which text cannot hold.',
    );
  });

  it('names unpaired surrogates, in values and keys, and passes paired ones', () => {
    const body = { a: 'x\ud800y', b: ['\udc00'], ['k\ud83d']: 1, ok: 'emoji \ud83d\ude00' };
    expect(nulCharacters(body).map((e) => e.param)).toEqual(['a', 'b[0]', 'body']);
    expect(nulCharacters(body).every((e) => !/[\ud800-\udfff]/.test(e.message + e.param))).toBe(true);
  });

  it('passes ordinary text, numbers and escapes that are not NUL', () => {
    expect(nulCharacters({ a: 'line\nnext \u0001 \\0 ü', b: [1, true, null, { c: '' }] })).toEqual([]);
    expect(nulCharacters('\u0000')).toEqual([
      { param: 'body', code: 'invalid_value', message: expect.stringContaining('The body') },
    ]);
  });
});
