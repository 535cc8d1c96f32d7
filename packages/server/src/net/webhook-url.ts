import { isIP } from 'node:net';
import type { FieldError } from '@reelay/catalog';
import { checkAddress } from './address-policy.ts';

const MAX_LENGTH = 2048;

/**
 * Checks a `webhookUrl` of a create request: an absolute https URL (or http, for receivers the operator
 * allows), without credentials. A host that is plainly not public (an IP address the SSRF guard refuses, or
 * `localhost`) is refused here already, unless `allowPrivate`; where a name points is decided by the guard
 * each time the webhook is sent, so a name that resolves to a private address fails its deliveries.
 */
export function webhookUrlError(value: unknown, allowHttp: boolean, allowPrivate = false): FieldError | null {
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
  if (!allowPrivate) {
    const host = url.hostname
      .replace(/^\[(.*)\]$/, '$1')
      .replace(/\.$/, '')
      .toLowerCase();
    if (host === 'localhost' || host.endsWith('.localhost')) {
      return bad('webhookUrl must point at a public host; localhost is not one.');
    }
    const verdict = isIP(host) ? checkAddress(host, false) : null;
    if (verdict && !verdict.allowed) {
      return bad(`webhookUrl must point at a public address; ${verdict.address} is ${verdict.reason}.`);
    }
  }
  return null;
}
