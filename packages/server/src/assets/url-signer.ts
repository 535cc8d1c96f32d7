import { createHmac, timingSafeEqual } from 'node:crypto';

/** Whether a signed URL's parameters hold. */
export type SignatureCheck = 'valid' | 'expired' | 'invalid';

/**
 * Signs and checks the expiring URLs the gateway serves asset bytes from (on local disk; S3 presigns its
 * own). The signature is an HMAC-SHA256 over the asset id and the expiry, with a server secret.
 */
export class UrlSigner {
  constructor(private readonly secret: string) {
    if (secret.length < 32) throw new Error('the URL signing secret must be at least 32 characters');
  }

  private mac(assetId: string, expires: number): Buffer {
    return createHmac('sha256', this.secret).update(`asset-content\n${assetId}\n${expires}`).digest();
  }

  /** The `expires` (unix seconds) and `signature` query values for `assetId`. */
  sign(assetId: string, expires: number): { expires: string; signature: string } {
    return { expires: String(expires), signature: this.mac(assetId, expires).toString('base64url') };
  }

  /** Checks query values against `assetId` at `nowSeconds`; a signature is judged before the expiry. */
  check(assetId: string, expires: unknown, signature: unknown, nowSeconds: number): SignatureCheck {
    if (typeof expires !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(expires)) {
      return 'invalid';
    }
    const given = Buffer.from(signature, 'base64url');
    const wanted = this.mac(assetId, Number(expires));
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return 'invalid';
    return Number(expires) < nowSeconds ? 'expired' : 'valid';
  }
}
