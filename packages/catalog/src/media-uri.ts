import type { MediaKind, UriScheme } from './types.ts';

/** The JSON Schema pattern of a URI a media slot accepts, per scheme. */
export const SCHEME_PATTERNS: Record<UriScheme, (kind: MediaKind) => string> = {
  asset: () => '^asset://asset_[A-Za-z0-9_-]+$',
  https: () => '^https://[^\\s/?#@]+(?:[/?#]\\S*)?$',
  data: (kind) => `^data:(?:${kind}/[A-Za-z0-9.+-]+)?(?:;[^,]*)?,`,
};

const SCHEME_TEXT: Record<UriScheme, string> = {
  asset: 'asset://asset_…',
  https: 'https://…',
  data: 'data:…',
};

const article = (kind: MediaKind) => (kind === 'image' ? 'an image' : `a ${kind}`);

/**
 * Checks a media URI's syntax for a slot. Returns null when it is fine, else the reason (a sentence
 * fragment). It does not fetch anything: what the bytes are is decided later, from the bytes.
 */
export function checkMediaUri(
  value: string,
  kind: MediaKind,
  schemes: readonly UriScheme[],
): { scheme: UriScheme } | { reason: string } {
  const scheme: UriScheme | null = value.startsWith('asset://')
    ? 'asset'
    : value.startsWith('https://')
      ? 'https'
      : value.startsWith('data:')
        ? 'data'
        : null;
  const accepted = schemes.map((s) => SCHEME_TEXT[s]).join(', ');
  if (scheme === null || !schemes.includes(scheme)) return { reason: `must be one of ${accepted}` };
  if (scheme === 'https') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return { reason: 'is not a valid https URL' };
    }
    if (!url.hostname || url.username || url.password || /\s/.test(value)) {
      return { reason: 'is not a valid https URL (it needs a host and no credentials or spaces)' };
    }
  }
  if (scheme === 'asset' && !new RegExp(SCHEME_PATTERNS.asset(kind)).test(value)) {
    return { reason: 'is not an asset URI like asset://asset_abc123' };
  }
  if (scheme === 'data') {
    const declared = /^data:([^;,]*)/.exec(value)?.[1] ?? '';
    if (declared !== '' && !declared.toLowerCase().startsWith(`${kind}/`)) {
      return { reason: `declares ${declared}, but the slot takes ${article(kind)}` };
    }
    if (!new RegExp(SCHEME_PATTERNS.data(kind)).test(value)) return { reason: 'is not a valid data URI' };
  }
  return { scheme };
}
