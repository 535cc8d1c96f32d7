/** Seconds a token is valid, as in Kling's own sample. */
export const TOKEN_TTL_SECONDS = 1800;
/** A token is replaced this long before it expires. */
const REFRESH_MARGIN_SECONDS = 300;
/** nbf is backdated to absorb clock skew, as Kling's sample does. */
const NOT_BEFORE_SKEW_SECONDS = 5;

/**
 * Kling's API token: a JWT (HS256) with the access key as issuer, signed with the secret key.
 * Minted on demand, reused until five minutes before it expires, dropped when Kling refuses it.
 */
export class KlingToken {
  private cached: { token: string; exp: number } | null = null;

  constructor(
    private readonly accessKey: string,
    private readonly secretKey: string,
    private readonly now: () => number,
  ) {}

  async get(): Promise<string> {
    const nowSeconds = Math.floor(this.now() / 1000);
    if (this.cached && nowSeconds < this.cached.exp - REFRESH_MARGIN_SECONDS) return this.cached.token;
    const exp = nowSeconds + TOKEN_TTL_SECONDS;
    // jose is loaded with the first token, so a gateway without Kling configured never loads it.
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.accessKey)
      .setExpirationTime(exp)
      .setNotBefore(nowSeconds - NOT_BEFORE_SKEW_SECONDS)
      .sign(new TextEncoder().encode(this.secretKey));
    this.cached = { token, exp };
    return token;
  }

  /** Forgets the token (Kling said it is expired or not yet valid). */
  drop(): void {
    this.cached = null;
  }
}
