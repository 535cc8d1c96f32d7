import { Webhook } from 'standardwebhooks';

export { WebhookVerificationError } from 'standardwebhooks';

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function standardHeaders(headers: HeaderBag): Record<string, string> {
  const get = (name: string): string => {
    if (headers instanceof Headers) return headers.get(name) ?? '';
    const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
    return (Array.isArray(entry) ? entry[0] : entry) ?? '';
  };
  return {
    'webhook-id': get('webhook-id'),
    'webhook-timestamp': get('webhook-timestamp'),
    'webhook-signature': get('webhook-signature'),
  };
}

/** `client.webhooks`: checks a webhook's Standard Webhooks signature (webhook-id, -timestamp, -signature). */
export class Webhooks {
  constructor(private readonly defaultSecret: string | undefined) {}

  /**
   * Returns the parsed payload when the signature matches `secret` (`whsec_…`) and the timestamp is within five
   * minutes; throws WebhookVerificationError otherwise. Pass the raw body exactly as received.
   */
  verify<T = unknown>(payload: string, headers: HeaderBag, secret = this.defaultSecret): T {
    if (!secret) throw new TypeError('no webhook secret: pass it, or webhookSecret to createClient');
    return new Webhook(secret).verify(payload, standardHeaders(headers)) as T;
  }
}
