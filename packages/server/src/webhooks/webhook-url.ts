import type { FieldError } from '@reelay/catalog';

const MAX_LENGTH = 2048;

/**
 * Checks a `webhookUrl` of a create request: an absolute https URL (or http, for receivers the operator
 * allows), without credentials. Where it may point is decided when it is called, by the SSRF guard.
 */
export function webhookUrlError(value: unknown, allowHttp: boolean): FieldError | null {
  const bad = (message: string): FieldError => ({ param: 'webhookUrl', code: 'invalid_value', message });
  if (typeof value !== 'string') return bad('webhookUrl must be a URL string.');
  if (value.length > MAX_LENGTH) return bad(`webhookUrl must be at most ${MAX_LENGTH} characters.`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return bad('webhookUrl must be an absolute URL such as https://example.com/hooks/reelay.');
  }
  const schemes = allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) return bad(`webhookUrl must use ${allowHttp ? 'http or ' : ''}https.`);
  if (url.username || url.password) return bad('webhookUrl must not carry a user name or password.');
  if (url.hash) return bad('webhookUrl must not have a #fragment.');
  return null;
}
