/** A decoded `data:` URI. */
export interface DataUri {
  mediaType: string | null;
  bytes: Buffer;
}

/**
 * Decodes `data:[<mediatype>][;base64],<data>`. Returns null when the text is not a data URI.
 * Throws RangeError when the decoded bytes would exceed `maxBytes` (checked before decoding).
 */
export function decodeDataUri(uri: string, maxBytes: number): DataUri | null {
  const match = /^data:([^,]*?),/is.exec(uri);
  if (!match) return null;
  const meta = (match[1] ?? '').split(';').map((part) => part.trim());
  const base64 = meta.at(-1)?.toLowerCase() === 'base64';
  const first = meta[0] ?? '';
  const mediaType = first.includes('/') ? first.toLowerCase() : null;
  const payload = uri.slice(match[0].length);
  const estimate = base64 ? Math.floor((payload.length * 3) / 4) : payload.length;
  if (estimate > maxBytes + 3) throw new RangeError(`data URI is larger than ${maxBytes} bytes`);
  let bytes: Buffer;
  if (base64) {
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload.replace(/\s+/g, ''))) return null;
    bytes = Buffer.from(payload, 'base64');
  } else {
    try {
      bytes = Buffer.from(decodeURIComponent(payload), 'utf8');
    } catch {
      return null;
    }
  }
  if (bytes.length > maxBytes) throw new RangeError(`data URI is larger than ${maxBytes} bytes`);
  return { mediaType, bytes };
}
