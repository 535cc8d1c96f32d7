import { describe, expect, it } from 'vitest';
import { checkMediaUri, SCHEME_PATTERNS } from './media-uri.ts';
import type { MediaKind, UriScheme } from './types.ts';

const ALL: UriScheme[] = ['asset', 'https', 'data'];
const check = (uri: string, kind: MediaKind = 'image', schemes: UriScheme[] = ALL) =>
  checkMediaUri(uri, kind, schemes);
const matchesSchema = (uri: string, kind: MediaKind, schemes: UriScheme[]) =>
  schemes.some((s) => new RegExp(SCHEME_PATTERNS[s](kind), 'u').test(uri));

const accepted: [string, MediaKind, UriScheme][] = [
  ['asset://asset_abc123', 'image', 'asset'],
  ['asset://asset_A-b_9', 'video', 'asset'],
  ['https://cdn.example.com/a.png', 'image', 'https'],
  ['https://example.com', 'image', 'https'],
  ['https://example.com:8443/v.mp4?sig=a%20b#t=1', 'video', 'https'],
  ['https://[2001:db8::1]/a.png', 'image', 'https'],
  ['https://xn--bcher-kva.example/a.png', 'image', 'https'],
  ['data:image/png;base64,iVBORw0KGgo=', 'image', 'data'],
  ['data:IMAGE/PNG;base64,iVBORw0KGgo=', 'image', 'data'],
  ['data:image/svg+xml;charset=utf-8,%3Csvg%3E', 'image', 'data'],
  ['data:;base64,AAAA', 'image', 'data'],
  ['data:video/mp4;base64,AAAA', 'video', 'data'],
  ['data:audio/mpeg;base64,SUQz', 'audio', 'data'],
];

const refused: [string, MediaKind, RegExp][] = [
  ['asset://', 'image', /asset:\/\/asset_<id>/],
  ['asset://asset_', 'image', /asset_<id>/],
  ['asset://asset_a b', 'image', /asset_<id>/],
  ['asset://asset_a/b', 'image', /asset_<id>/],
  ['asset://other_abc', 'image', /asset_<id>/],
  ['https://', 'image', /https:\/\/<host>/],
  ['https:///path', 'image', /https:\/\/<host>/],
  ['https://user:pw@example.com/a.png', 'image', /https:\/\/<host>/],
  ['https://exa mple.com/a.png', 'image', /https:\/\/<host>/],
  ['https://example.com/a b.png', 'image', /https:\/\/<host>/],
  ['https://example.com:99999/a.png', 'image', /not a valid https URL/],
  ['http://example.com/a.png', 'image', /one of the forms/],
  ['ftp://example.com/a.png', 'image', /one of the forms/],
  ['example.com/a.png', 'image', /one of the forms/],
  ['', 'image', /one of the forms/],
  ['data:video/mp4;base64,AAAA', 'image', /declares the media type video\/mp4, but this slot takes an image/],
  ['data:image/png;base64,AAAA', 'video', /takes a video/],
  [
    'data:text/plain,hello',
    'audio',
    /declares the media type text\/plain, but this slot takes an audio file/,
  ],
  ['data:image/png;base64,', 'image', /data:<media type>/],
  ['data:image/png;base64,AA AA', 'image', /data:<media type>/],
  ['data:image/png;base64,AA!A', 'image', /data:<media type>/],
  ['data:image/png', 'image', /data:<media type>/],
  ['data:image;base64,AAAA', 'image', /data:<media type>/],
  ['data:image/png,', 'image', /data:<media type>/],
];

describe('checkMediaUri', () => {
  it.each(accepted)('accepts %s for a %s slot as %s', (uri, kind, scheme) => {
    expect(check(uri, kind)).toEqual({ scheme });
  });

  it.each(refused)('refuses %s for a %s slot', (uri, kind, reason) => {
    const r = check(uri, kind);
    expect('reason' in r && r.reason).toMatch(reason);
  });

  it('refuses a scheme the slot does not take, naming the ones it does', () => {
    const r = check('data:image/png;base64,AAAA', 'image', ['asset', 'https']);
    expect(r).toEqual({
      reason: 'must be a URI of an image in one of the forms asset://asset_<id>, https://<host>/<path>',
    });
    expect(check('asset://asset_a', 'image', ['https'])).toHaveProperty('reason');
    expect(check('https://example.com/a', 'image', ['asset'])).toHaveProperty('reason');
  });

  it('never accepts a URI that the published pattern refuses', () => {
    for (const [uri, kind] of [...accepted, ...refused]) {
      if ('scheme' in check(uri, kind)) expect(matchesSchema(uri, kind, ALL), uri).toBe(true);
    }
    // …and the pattern refuses what the checker refuses, except URLs only a full parser can judge.
    for (const [uri, kind] of refused) {
      if (uri === 'https://example.com:99999/a.png') continue;
      expect(matchesSchema(uri, kind, ALL), uri).toBe(false);
    }
  });

  it('checks a long data URI quickly', () => {
    const uri = `data:image/png;base64,${'A'.repeat(8_000_000)}`;
    const started = performance.now();
    expect(check(uri)).toEqual({ scheme: 'data' });
    expect(check(`${uri}!`)).toHaveProperty('reason');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
