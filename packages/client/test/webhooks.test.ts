import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createClient, WebhookVerificationError } from '../src/index.ts';

const secretBytes = randomBytes(32);
const secret = `whsec_${secretBytes.toString('base64')}`;

/** Signs as the Standard Webhooks spec says: HMAC-SHA256 of `id.timestamp.body`, base64, prefixed `v1,`. */
function sign(id: string, timestamp: number, body: string, key = secretBytes) {
  const mac = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${mac}` };
}

describe('webhooks.verify', () => {
  const client = createClient({ baseUrl: 'http://127.0.0.1:9', webhookSecret: secret });
  const body = JSON.stringify({ type: 'generation.succeeded', data: { id: 'gen_1' } });
  const now = Math.floor(Date.now() / 1000);

  it('returns the payload of a correctly signed message, from a Headers object or a plain one', () => {
    const headers = sign('msg_1', now, body);
    expect(client.webhooks.verify(body, new Headers(headers))).toEqual(JSON.parse(body));
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(client.webhooks.verify(body, upper)).toEqual(JSON.parse(body));
  });

  it('accepts any of several signatures (a rotated secret), and refuses tampering, other keys and old messages', () => {
    const good = sign('msg_2', now, body);
    const other = sign('msg_2', now, body, randomBytes(32));
    const both = {
      ...good,
      'webhook-signature': `${other['webhook-signature']} ${good['webhook-signature']}`,
    };
    expect(client.webhooks.verify(body, both)).toEqual(JSON.parse(body));
    expect(() => client.webhooks.verify(body.replace('gen_1', 'gen_2'), good)).toThrow(
      WebhookVerificationError,
    );
    expect(() => client.webhooks.verify(body, other)).toThrow(WebhookVerificationError);
    expect(() => client.webhooks.verify(body, sign('msg_3', now - 3600, body))).toThrow(
      WebhookVerificationError,
    );
    expect(() => client.webhooks.verify(body, {})).toThrow(WebhookVerificationError);
  });
});
