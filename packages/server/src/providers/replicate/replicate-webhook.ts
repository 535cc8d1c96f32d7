import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CallbackRequest } from '../provider.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';

const MAX_SKEW_SECONDS = 300;

/**
 * Checks a Replicate webhook (Standard Webhooks): HMAC-SHA256 over `id.timestamp.body` with the
 * base64 key after `whsec_`, compared in constant time with each `v1,` signature; stale timestamps are
 * refused. Returns the webhook id.
 */
export function verifyReplicateWebhook(request: CallbackRequest, secret: string, nowMs: number): string {
  const id = request.headers['webhook-id'];
  const timestamp = request.headers['webhook-timestamp'];
  const signatures = request.headers['webhook-signature'];
  if (!id || !timestamp || !signatures)
    throw new UpstreamError('auth', 'Replicate webhook: signature headers missing');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) {
    throw new UpstreamError('auth', 'Replicate webhook: timestamp too old or too new');
  }
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(request.body).digest();
  for (const entry of signatures.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const given = Buffer.from(value, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return id;
  }
  throw new UpstreamError('auth', 'Replicate webhook: signature does not match');
}
