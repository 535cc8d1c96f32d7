/**
 * URLs upstreams read input assets from: the asset's signed URL (presigned by S3, or signed by the gateway
 * at its public URL), valid for `ttlSeconds`. Only https URLs are handed out — an upstream cannot reach a
 * gateway on localhost or plain http — so otherwise null, and providers that need a URL are not chosen.
 */
export function upstreamInputUrls(
  sign: (assetId: string, ttlSeconds: number) => Promise<string>,
  ttlSeconds: number,
) {
  return async (asset: { id: string }): Promise<string | null> => {
    const url = await sign(asset.id, ttlSeconds);
    return url.startsWith('https://') ? url : null;
  };
}
