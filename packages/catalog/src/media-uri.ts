import type { MediaKind, UriScheme } from './types.ts';

/** A media type name token (RFC 6838 restricted-name characters). */
const TOKEN = '[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*';
const caseless = (word: string) => [...word].map((c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join('');

/**
 * The syntax of a URI each scheme accepts, as a JSON Schema (ECMAScript) pattern. `checkMediaUri` tests the
 * same pattern first, so the published schema never refuses a URI the validator accepts.
 */
export const SCHEME_PATTERNS: Record<UriScheme, (kind: MediaKind) => string> = {
  asset: () => '^asset://asset_[A-Za-z0-9_-]+$',
  https: () => '^https://(?:\\[[0-9A-Fa-f:.]+\\]|[^\\s/?#@:\\[\\]]+)(?::[0-9]{1,5})?(?:[/?#]\\S*)?$',
  // data:[<kind>/<subtype>][;name=value]*[;base64],<data>, with non-empty data.
  data: (kind) =>
    `^data:(?:${caseless(kind)}/${TOKEN})?(?:;${TOKEN}=[^;,\\s]+)*(?:;base64,[A-Za-z0-9+/]+={0,2}|,\\S+)$`,
};

const SCHEME_TEXT: Record<UriScheme, string> = {
  asset: 'asset://asset_<id>',
  https: 'https://<host>/<path>',
  data: 'data:<media type>;base64,<data>',
};

const PREFIXES: readonly [string, UriScheme][] = [
  ['asset:', 'asset'],
  ['https:', 'https'],
  ['data:', 'data'],
];

const A_KIND: Record<MediaKind, string> = { image: 'an image', video: 'a video', audio: 'an audio file' };
const article = (kind: MediaKind) => A_KIND[kind];

/** Why a URI of an accepted scheme is malformed, or null when its syntax is fine. */
function malformed(value: string, scheme: UriScheme, kind: MediaKind): string | null {
  if (scheme === 'data') {
    const declared = /^data:([^;,]*)/.exec(value)?.[1] ?? '';
    if (declared !== '' && declared.split('/')[0]?.toLowerCase() !== kind) {
      return `declares the media type ${declared}, but this slot takes ${article(kind)}`;
    }
  }
  if (!new RegExp(SCHEME_PATTERNS[scheme](kind), 'u').test(value)) {
    return `is not a valid URI of the form ${SCHEME_TEXT[scheme]}`;
  }
  if (scheme === 'https' && !URL.canParse(value)) return 'is not a valid https URL';
  return null;
}

/**
 * Checks a media URI's syntax for a slot of `kind` that accepts `schemes`: `asset://asset_<id>`, an https URL
 * with a host (no credentials, no spaces), or a data URI whose declared media type (if any) is of the slot's
 * kind. It fetches nothing: what the bytes really are is decided later, from the bytes.
 */
export function checkMediaUri(
  value: string,
  kind: MediaKind,
  schemes: readonly UriScheme[],
): { scheme: UriScheme } | { reason: string } {
  const lower = value.slice(0, 6).toLowerCase();
  const scheme = PREFIXES.find(([prefix]) => lower.startsWith(prefix))?.[1];
  if (scheme === undefined || !schemes.includes(scheme)) {
    const accepted = schemes.map((s) => SCHEME_TEXT[s]).join(', ');
    return { reason: `must be a URI of ${article(kind)} in one of the forms ${accepted}` };
  }
  const reason = malformed(value, scheme, kind);
  return reason === null ? { scheme } : { reason };
}
