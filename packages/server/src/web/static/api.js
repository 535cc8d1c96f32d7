// Small helpers shared by the page scripts: calls to the gateway's API with the user's key, messages.

/** An API answer that was not 2xx, with the error JSON's code, message, param and details. */
export class ApiFailure extends Error {
  constructor(status, error) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? 'http_error';
    this.param = error?.param ?? null;
    this.details = Array.isArray(error?.details) ? error.details : [];
  }
}

/** Calls the API with `key` and returns the parsed JSON; throws ApiFailure for a non-2xx answer. */
export async function api(key, method, path, body, headers = {}) {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) throw new ApiFailure(response.status, json?.error);
  return json;
}

/** Fetches an asset's bytes with the key and returns an object URL for a media element. */
export async function assetObjectUrl(key, uri) {
  const id = String(uri).replace(/^asset:\/\//, '');
  const response = await fetch(`/api/v1/assets/${encodeURIComponent(id)}/content`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (!response.ok) throw new ApiFailure(response.status, (await response.json().catch(() => null))?.error);
  return URL.createObjectURL(await response.blob());
}

/** A media element (video, audio or image) for an object URL of `mediaType`. */
export function mediaElement(url, mediaType, label) {
  const kind = String(mediaType).split('/')[0];
  if (kind === 'image') {
    const img = document.createElement('img');
    img.src = url;
    img.alt = label;
    return img;
  }
  const el = document.createElement(kind === 'audio' ? 'audio' : 'video');
  el.src = url;
  el.controls = true;
  el.preload = 'auto';
  if (kind !== 'audio') el.playsInline = true;
  el.setAttribute('aria-label', label);
  return el;
}

/** Fills `{name}` placeholders of a message. */
export const fill = (template, values = {}) =>
  String(template).replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));

/** A number as the page's language writes it. */
export const formatNumber = (locale, n) =>
  new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(n);

/** "tokens" in the page's language, agreeing with `n`. */
export function tokensWord(messages, locale, n) {
  const category = new Intl.PluralRules(locale).select(n);
  return messages[`tokens.${category}`] ?? messages['tokens.other'];
}

/** An Idempotency-Key made from random bytes (crypto.randomUUID needs a secure context; this does not). */
export function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Copies text to the clipboard, falling back to a selection copy where the Clipboard API is missing. */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Permission refused: the selection copy below still works.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}
