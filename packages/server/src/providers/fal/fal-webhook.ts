import { createHash, createPublicKey, verify } from 'node:crypto';
import { z } from 'zod';
import type { CallbackRequest } from '../provider.ts';
import { callUpstream, type FetchLike } from '../upstream/call-upstream.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';

/** fal signs with keys it publishes; they are fetched again after a day. */
const JWKS_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Deliveries older or newer than this are refused (replays). */
const MAX_SKEW_SECONDS = 300;

const jwksSchema = z.object({
  keys: z.array(z.object({ kty: z.string(), crv: z.string().optional(), x: z.string().optional() })),
});

/**
 * Checks fal's webhook signature: Ed25519 over request id, user id, timestamp and the body's SHA-256
 * (hex), one per line, against any key of fal's JWKS; the timestamp must be within five minutes and the
 * user id must be the configured one (when configured).
 */
export class FalWebhookVerifier {
  private keys: { at: number; keys: z.infer<typeof jwksSchema>['keys'] } | null = null;

  constructor(
    private readonly deps: {
      fetch: FetchLike;
      now: () => number;
      jwksUrl: string;
      userId: string | null;
      timeoutMs: number;
    },
  ) {}

  /** The request id of a genuine delivery; throws otherwise. */
  async verify(request: CallbackRequest): Promise<string> {
    const requestId = request.headers['x-fal-webhook-request-id'];
    const userId = request.headers['x-fal-webhook-user-id'];
    const timestamp = request.headers['x-fal-webhook-timestamp'];
    const signature = request.headers['x-fal-webhook-signature'];
    if (!requestId || !userId || !timestamp || !signature) {
      throw new UpstreamError('auth', 'fal webhook: signature headers missing');
    }
    if (this.deps.userId !== null && userId !== this.deps.userId) {
      throw new UpstreamError('auth', 'fal webhook: not for this fal user');
    }
    const seconds = Number(timestamp);
    if (!/^\d+$/.test(timestamp) || Math.abs(this.deps.now() / 1000 - seconds) > MAX_SKEW_SECONDS) {
      throw new UpstreamError('auth', 'fal webhook: timestamp too old or too new');
    }
    if (!/^[0-9a-f]+$/i.test(signature)) throw new UpstreamError('auth', 'fal webhook: signature is not hex');
    const message = Buffer.from(
      [requestId, userId, timestamp, createHash('sha256').update(request.body).digest('hex')].join('\n'),
    );
    const sig = Buffer.from(signature, 'hex');
    for (const key of await this.jwks()) {
      if (key.kty !== 'OKP' || key.crv !== 'Ed25519' || !key.x) continue;
      const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.x }, format: 'jwk' });
      if (verify(null, message, publicKey, sig)) return requestId;
    }
    throw new UpstreamError('auth', 'fal webhook: signature does not match');
  }

  private async jwks(): Promise<z.infer<typeof jwksSchema>['keys']> {
    if (this.keys && this.deps.now() - this.keys.at < JWKS_MAX_AGE_MS) return this.keys.keys;
    const answer = await callUpstream({
      fetch: this.deps.fetch,
      method: 'GET',
      url: this.deps.jwksUrl,
      headers: {},
      timeoutMs: this.deps.timeoutMs,
      signal: new AbortController().signal,
      now: this.deps.now,
      schema: jwksSchema,
      classify: () => null,
    });
    this.keys = { at: this.deps.now(), keys: answer.keys };
    return answer.keys;
  }
}
