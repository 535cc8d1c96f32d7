import { describe, expect, it } from 'vitest';
import { decodeDataUri, isStrictBase64 } from './data-uri.ts';

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

  it('decodes a payload of more than 14 MiB (no regular expression to overflow the stack)', () => {
    const bytes = Buffer.alloc(14.5 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 7919) & 0xff;
    const result = decodeDataUri(`data:image/png;base64,${bytes.toString('base64')}`, 20 * 1024 * 1024);
    expect(result.ok).toBe(true);
    expect(result.ok && result.bytes.equals(bytes)).toBe(true);
    // One bad character at the very end of the same payload is still found.
    const spoilt = `data:image/png;base64,${bytes.toString('base64').slice(0, -4)}AA.A`;
    expect(decodeDataUri(spoilt, 20 * 1024 * 1024)).toMatchObject({ ok: false, reason: 'bad_base64' });
  });
});

describe('isStrictBase64', () => {
  it('accepts what Buffer encodes, for every length of padding', () => {
    for (let n = 1; n <= 40; n += 1) {
      const text = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff)).toString('base64');
      expect(isStrictBase64(text), text).toBe(true);
    }
    expect(isStrictBase64('aGk=')).toBe(true);
    expect(isStrictBase64('aGVsbG8=')).toBe(true);
    expect(isStrictBase64('aA==')).toBe(true);
    expect(isStrictBase64('++//')).toBe(true);
  });
  it.each([
    ['', 'empty'],
    ['a', 'one character'],
    ['aGk', 'three characters, padding left out'],
    ['aGVsbG8', 'seven characters'],
    ['aGVsbG8==', 'nine characters'],
    ['====', 'padding alone'],
    ['a===', 'three padding characters'],
    ['aGk==', 'too much padding'],
    ['aG=k', 'padding inside'],
    ['aG=sbG8=', 'padding inside a later group'],
    ['aGk=aGk=', 'padding in the middle'],
    ['aGVs bG8=', 'a space'],
    ['aGVsbG8=\n', 'a trailing newline'],
    ['aGVs\tbG8=', 'a tab'],
    ['aGVs_G8=', 'URL-safe underscore'],
    ['aGVs-G8=', 'URL-safe dash'],
    ['aGVs.G8=', 'a dot'],
    ['aGVsé8==', 'a letter outside ASCII'],
    ['aGVs\u0141G8=', 'a character whose low byte is in the alphabet'],
    ['aGVs\u0000G8=', 'a NUL'],
  ])('refuses %j (%s)', (text) => {
    expect(isStrictBase64(text)).toBe(false);
  });
  it('reads from the given offset', () => {
    expect(isStrictBase64('xx,aGk=', 3)).toBe(true);
    expect(isStrictBase64('xx,aGk', 3)).toBe(false);
    expect(isStrictBase64('xx,', 3)).toBe(false);
  });
});
