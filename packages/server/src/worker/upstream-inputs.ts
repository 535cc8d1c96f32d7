import type { Database } from '../db/database.ts';
import { deliveryWay, type InputDelivery } from '../providers/input-delivery.ts';
import type { Provider, ResolvedMedia } from '../providers/provider.ts';
import { findUpstreamFile, rememberUpstreamFile } from '../store/upstream-files.ts';

export interface UpstreamInputsOptions {
  db: Database;
  delivery: InputDelivery;
  /** A signed link to the asset's bytes, valid for `ttlSeconds` (presigned by S3, or signed by the gateway). */
  sign(assetId: string, ttlSeconds: number): Promise<string>;
  /** Lifetime of the links handed to upstreams: long enough for a job that waits in the upstream's queue. */
  linkTtlSeconds: number;
  now(): number;
}

/** An upload is sent again only while it stays valid at least this much longer (an upstream's queue may be slow). */
export const UPLOAD_REUSE_MARGIN_MS = 6 * 3_600_000;

/** An input file cannot be given to the upstream chosen for it (the route decision should have prevented it). */
export class InputUndeliverable extends Error {}

/**
 * Hands input files to upstreams, the way input-delivery.ts chooses: links are signed afresh for every attempt,
 * uploads are made once per asset and upstream and reused while they stay valid (remembered in the database),
 * inline files are read for the request that carries them.
 */
export class UpstreamInputs {
  constructor(private readonly options: UpstreamInputsOptions) {}

  get delivery(): InputDelivery {
    return this.options.delivery;
  }

  async deliver(provider: Provider, media: ResolvedMedia, signal: AbortSignal): Promise<string> {
    const way = deliveryWay(provider, media, this.options.delivery);
    if (way === 'link') {
      const url = await this.options.sign(media.assetId, this.options.linkTtlSeconds);
      if (url.startsWith('https://')) return url;
      throw new InputUndeliverable(
        `${media.field}: this gateway's links are not https, so ${provider.id} cannot fetch them`,
      );
    }
    const files = provider.files;
    if (way === null || !files) {
      throw new InputUndeliverable(`${provider.id} cannot receive ${media.field} with this configuration`);
    }
    if (way === 'inline') return (await files.handOver(media, signal)).url;
    const { db, now } = this.options;
    const known = await findUpstreamFile(db, media.assetId, provider.id, now() + UPLOAD_REUSE_MARGIN_MS);
    if (known) return known.url;
    const uploaded = await files.handOver(media, signal);
    await rememberUpstreamFile(db, media.assetId, provider.id, uploaded);
    return uploaded.url;
  }
}
