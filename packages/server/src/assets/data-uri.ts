/** A decoded `data:` URI, or why it was refused. */
export type DataUriResult =
  | { ok: true; mediaType: string; bytes: Buffer }
  | { ok: false; reason: 'malformed' | 'not_base64' | 'bad_base64' | 'too_large'; message: string };

const HEADER = /^data:([a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+)((?:;[a-z0-9_-]+=[^;,]*)*);base64,/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

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
  const payload = uri.slice(head[0].length);
  if (payload.length === 0 || !BASE64.test(payload)) {
    return { ok: false, reason: 'bad_base64', message: 'the data URI is not valid base64' };
  }
  return { ok: true, mediaType: (head[1] ?? '').toLowerCase(), bytes: Buffer.from(payload, 'base64') };
}
