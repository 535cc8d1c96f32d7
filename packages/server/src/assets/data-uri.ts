/** A decoded `data:` URI, or why it was refused. */
export type DataUriResult =
  | { ok: true; mediaType: string; bytes: Buffer }
  | { ok: false; reason: 'malformed' | 'not_base64' | 'bad_base64' | 'too_large'; message: string };

const HEADER = /^data:([a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+)((?:;[a-z0-9_-]+=[^;,]*)*);base64,/i;

/** 1 for each char code of the standard base64 alphabet (`A–Z a–z 0–9 + /`), 0 for every other below 128. */
const ALPHABET = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')
  ALPHABET[c.charCodeAt(0)] = 1;
const PAD = 0x3d; // '='

/**
 * Whether `text` from `start` on is strict base64: a non-empty multiple of 4 characters of the standard
 * alphabet, ended by at most two `=`, with nothing else (no whitespace, no URL-safe `-`/`_`, no `=` inside).
 * One pass over the char codes, so its cost is linear and its stack constant whatever the length (a regular
 * expression over megabytes of text overflows the stack).
 */
export function isStrictBase64(text: string, start = 0): boolean {
  const length = text.length - start;
  if (length <= 0 || length % 4 !== 0) return false;
  let end = text.length;
  if (text.charCodeAt(end - 1) === PAD) end -= text.charCodeAt(end - 2) === PAD ? 2 : 1;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || ALPHABET[code] !== 1) return false;
  }
  return true;
}

/**
 * Decodes `data:<type>/<subtype>[;param=value]*;base64,<data>` strictly: a media type is required, only
 * base64 is accepted (standard alphabet, correct padding, no whitespace), and the decoded size is computed
 * from the text and checked against `maxBytes` before anything is decoded.
 */
export function decodeDataUri(uri: string, maxBytes: number): DataUriResult {
  const head = HEADER.exec(uri.slice(0, 512));
  if (!head) {
    const isData = /^data:/i.test(uri);
    const textual = isData && /^data:[^,]*,/i.test(uri.slice(0, 512)) && !/;base64,/i.test(uri.slice(0, 512));
    return textual
      ? {
          ok: false,
          reason: 'not_base64',
          message: 'only base64 data URIs are accepted (data:<type>;base64,…)',
        }
      : {
          ok: false,
          reason: 'malformed',
          message: 'not a data URI of the form data:<type>/<subtype>;base64,…',
        };
  }
  const payloadLength = uri.length - head[0].length;
  const padding = uri.endsWith('==') ? 2 : uri.endsWith('=') ? 1 : 0;
  const decodedLength = Math.floor((payloadLength * 3) / 4) - padding;
  if (decodedLength > maxBytes) {
    return {
      ok: false,
      reason: 'too_large',
      message: `the data URI holds ${decodedLength} bytes; at most ${maxBytes} are accepted`,
    };
  }
  if (!isStrictBase64(uri, head[0].length)) {
    return { ok: false, reason: 'bad_base64', message: 'the data URI is not valid base64' };
  }
  return {
    ok: true,
    mediaType: (head[1] ?? '').toLowerCase(),
    bytes: Buffer.from(uri.slice(head[0].length), 'base64'),
  };
}
