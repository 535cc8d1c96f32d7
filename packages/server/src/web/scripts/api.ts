// Small helpers shared by the page scripts: calls to the gateway's API with the user's key, messages.
// Bundled for the browser with the SDK (`@reelay/client`) when the gateway starts, and served as /static/api.js.
import { createClient, type FieldError, type ReelayClient, ReelayError } from '@reelay/client';

/** The error JSON's `error` object, as far as a page reads it. */
interface ErrorBody {
  code?: string;
  message?: string;
  param?: string;
  details?: FieldError[];
}

/** An API answer that was not 2xx, with the error JSON's code, message, param and details. */
export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  readonly param: string | null;
  readonly details: FieldError[];
  constructor(status: number, error?: ErrorBody | null) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? 'http_error';
    this.param = error?.param ?? null;
    this.details = Array.isArray(error?.details) ? error.details : [];
  }

  /** The same failure from an error the SDK threw; other errors are returned as they are. */
  static from(error: unknown): unknown {
    if (!(error instanceof ReelayError)) return error;
    const details = 'details' in error && Array.isArray(error.details) ? (error.details as FieldError[]) : [];
    return new ApiFailure(error.status, {
      code: error.code,
      message: error.message,
      ...(error.param !== undefined ? { param: error.param } : {}),
      details,
    });
  }
}

/**
 * The SDK on this page's origin with `key`. It retries nothing itself: a page shows a failure to the person
 * who clicked, who can try again.
 */
export function pageClient(key: string): ReelayClient {
  return createClient({ baseUrl: location.origin, apiKey: key, maxRetries: 0 });
}

/**
 * Calls the API with `key` and returns the parsed JSON (typed by the caller with the wire contract's types);
 * throws ApiFailure for a non-2xx answer. For the routes the SDK has no call of its own (keys, usage).
 */
export async function api<T = unknown>(
  key: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
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
  let json: { error?: ErrorBody } | null = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) throw new ApiFailure(response.status, json?.error);
  return json as T;
}

/** Fetches an asset's bytes with the key (through the SDK) and returns an object URL for a media element. */
export async function assetObjectUrl(key: string, uri: string, mediaType = ''): Promise<string> {
  try {
    const bytes = await new Response(await pageClient(key).assets.download(uri)).blob();
    return URL.createObjectURL(mediaType ? new Blob([bytes], { type: mediaType }) : bytes);
  } catch (error) {
    throw ApiFailure.from(error);
  }
}

/** A media element (video, audio or image) for an object URL of `mediaType`. */
export function mediaElement(url: string, mediaType: string, label: string): HTMLElement {
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
  if (el instanceof HTMLVideoElement) el.playsInline = true;
  el.setAttribute('aria-label', label);
  return el;
}

/** Fills `{name}` placeholders of a message. */
export const fill = (template: string | undefined, values: Record<string, unknown> = {}): string =>
  String(template ?? '').replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );

/** A number as the page's language writes it. */
export const formatNumber = (locale: string, n: number): string =>
  new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(n);

/** "tokens" in the page's language, agreeing with `n`. */
export function tokensWord(messages: Record<string, string>, locale: string, n: number): string | undefined {
  const category = new Intl.PluralRules(locale).select(n);
  return messages[`tokens.${category}`] ?? messages['tokens.other'];
}

/** An Idempotency-Key made from random bytes (crypto.randomUUID needs a secure context; this does not). */
export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A `<code>` element holding `text`. */
export function code(text: string): HTMLElement {
  const el = document.createElement('code');
  el.textContent = text;
  return el;
}

/**
 * Shows a key made just now in `box` (the only time its secret is seen): the secret, in a `<code>` with id
 * `secretId`, and a button that copies it; `words` are the page's `newKey`, `copy` and `copied` messages.
 */
export function showNewKey(
  box: HTMLElement,
  secretId: string,
  key: string,
  words: { newKey?: string; copy?: string; copied?: string },
): void {
  const secret = code(key);
  secret.id = secretId;
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.className = 'small';
  copy.textContent = words.copy ?? '';
  copy.addEventListener('click', async () => {
    await copyText(key);
    copy.textContent = words.copied ?? '';
  });
  box.replaceChildren(`${words.newKey} `, secret, ' ', copy);
  box.hidden = false;
}

/** Copies text to the clipboard, falling back to a selection copy where the Clipboard API is missing. */
export async function copyText(text: string): Promise<void> {
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
