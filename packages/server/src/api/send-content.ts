import type { FastifyReply } from 'fastify';
import type { AssetRecord } from '../assets/asset-record.ts';
import { type AssetsService, assertHasBytes } from '../assets/assets-service.ts';
import { parseRange } from '../assets/byte-range.ts';
import { StorageKeyMissing } from '../assets/storage.ts';
import { ApiError } from '../errors.ts';
import { STORED_FILE_POLICY } from './security-headers.ts';

/** A file name extension for a media type the gateway stores (`video/mp4` → `mp4`). */
const extensionOf = (mediaType: string): string =>
  ({ 'image/jpeg': 'jpg', 'video/quicktime': 'mov', 'audio/mpeg': 'mp3', 'video/x-matroska': 'mkv' })[
    mediaType
  ] ??
  (mediaType
    .split('/')[1]
    ?.replace(/[^a-z0-9]/gi, '')
    .slice(0, 8) ||
    'bin');

/** Sends an asset's bytes, honouring a single-range `Range` header (206, or 416 past the end) so players can seek. */
export async function sendContent(
  reply: FastifyReply,
  assets: AssetsService,
  asset: AssetRecord,
  rangeHeader: string | undefined,
  cacheControl: string,
) {
  assertHasBytes(asset);
  const range = parseRange(rangeHeader, asset.bytes);
  reply
    .header('accept-ranges', 'bytes')
    .header('content-type', asset.mediaType)
    .header('etag', `"${asset.sha256}"`)
    .header('cache-control', cacheControl)
    .header('content-security-policy', STORED_FILE_POLICY)
    .header('content-disposition', `inline; filename="${asset.id}.${extensionOf(asset.mediaType)}"`);
  if (range.kind === 'unsatisfiable') {
    reply.header('content-range', `bytes */${asset.bytes}`);
    throw new ApiError(
      'invalid_request',
      416,
      `The range ${rangeHeader} is outside the file, which has ${asset.bytes} bytes.`,
      { param: 'Range' },
    );
  }
  try {
    if (range.kind === 'part') {
      const stream = await assets.read(asset, range);
      return reply
        .status(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${asset.bytes}`)
        .header('content-length', String(range.end - range.start + 1))
        .send(stream);
    }
    const stream = await assets.read(asset);
    return reply.header('content-length', String(asset.bytes)).send(stream);
  } catch (error) {
    if (error instanceof StorageKeyMissing) {
      throw new ApiError('not_found', 404, `The bytes of asset ${asset.id} are no longer stored.`);
    }
    throw error;
  }
}
