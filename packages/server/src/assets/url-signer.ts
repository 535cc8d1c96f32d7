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

  /** The file itself is signed as `asset-content`, a variant of it (its thumbnail) as `asset-<variant>`. */
  private mac(assetId: string, expires: number, variant: string | undefined): Buffer {
    return createHmac('sha256', this.secret)
      .update(`asset-${variant ?? 'content'}\n${assetId}\n${expires}`)
      .digest();
  }

  /** The `expires` (unix seconds) and `signature` query values for `assetId`, or for a variant of it. */
  sign(assetId: string, expires: number, variant?: 'thumbnail'): { expires: string; signature: string } {
    return {
      expires: String(expires),
      signature: this.mac(assetId, expires, variant).toString('base64url'),
    };
  }

  /**
   * Checks query values against `assetId` (and the variant the link names, part of what is signed) at
   * `nowSeconds`; a signature is judged before the expiry.
   */
  check(
    assetId: string,
    expires: unknown,
    signature: unknown,
    nowSeconds: number,
    variant?: unknown,
  ): SignatureCheck {
    if (typeof expires !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(expires)) {
      return 'invalid';
    }
    if (variant !== undefined && variant !== 'thumbnail') return 'invalid';
    const given = Buffer.from(signature, 'base64url');
    const wanted = this.mac(assetId, Number(expires), variant);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return 'invalid';
    return Number(expires) < nowSeconds ? 'expired' : 'valid';
  }
}
