import { describe, expect, it } from 'vitest';
import { decodeDataUri } from './data-uri.ts';

describe('decodeDataUri', () => {
  it('decodes base64 with its media type', () => {
    expect(decodeDataUri('data:image/png;base64,aGVsbG8=', 100)).toEqual({
      mediaType: 'image/png',
      bytes: Buffer.from('hello'),
    });
  });
  it('decodes percent-encoded text without a media type', () => {
    expect(decodeDataUri('data:,a%20b', 100)).toEqual({ mediaType: null, bytes: Buffer.from('a b') });
  });
  it('returns null for what is not a data URI or not base64', () => {
    expect(decodeDataUri('https://example.com/a.png', 100)).toBeNull();
    expect(decodeDataUri('data:image/png;base64,@@@', 100)).toBeNull();
  });
  it('refuses more than the limit before decoding', () => {
    expect(() => decodeDataUri(`data:image/png;base64,${'A'.repeat(400)}`, 100)).toThrow(RangeError);
  });
});
