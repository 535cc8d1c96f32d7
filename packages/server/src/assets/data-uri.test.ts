import { describe, expect, it } from 'vitest';
import { decodeDataUri } from './data-uri.ts';

describe('decodeDataUri', () => {
  it('decodes base64 with its media type and parameters', () => {
    expect(decodeDataUri('data:image/png;base64,aGVsbG8=', 100)).toEqual({
      ok: true,
      mediaType: 'image/png',
      bytes: Buffer.from('hello'),
    });
    expect(decodeDataUri('data:Image/PNG;name=a.png;base64,aGk=', 100)).toMatchObject({
      ok: true,
      mediaType: 'image/png',
      bytes: Buffer.from('hi'),
    });
  });
  it.each([
    ['https://example.com/a.png', 'malformed'],
    ['data:;base64,aGVsbG8=', 'malformed'],
    ['data:base64,aGVsbG8=', 'not_base64'],
    ['data:image/png,hello', 'not_base64'],
    ['data:,a%20b', 'not_base64'],
    ['data:image/png;base64,', 'bad_base64'],
    ['data:image/png;base64,@@@@', 'bad_base64'],
    ['data:image/png;base64,aGVsbG8', 'bad_base64'],
    ['data:image/png;base64,aGVs bG8=', 'bad_base64'],
    ['data:image/png;base64,aGVsbG8=\n', 'bad_base64'],
    ['data:image/png;base64,aGVs_G8=', 'bad_base64'],
    ['data:image/png;base64,aG=sbG8=', 'bad_base64'],
  ])('refuses %j as %s', (uri, reason) => {
    expect(decodeDataUri(uri, 100)).toMatchObject({ ok: false, reason });
  });
  it('refuses more than the limit from the length alone, before decoding', () => {
    // Not valid base64 either: the size is judged first, so no decoding is attempted.
    expect(decodeDataUri(`data:image/png;base64,${'@'.repeat(400)}`, 100)).toMatchObject({
      ok: false,
      reason: 'too_large',
    });
    expect(decodeDataUri(`data:image/png;base64,${'A'.repeat(136)}`, 102)).toMatchObject({ ok: true });
    expect(decodeDataUri(`data:image/png;base64,${'A'.repeat(136)}`, 101)).toMatchObject({
      ok: false,
      reason: 'too_large',
    });
  });
});
