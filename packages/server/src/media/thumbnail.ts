import type { MediaKind } from '@reelay/catalog';
import { loadSharp } from './media-libraries.ts';
import { videoThumbnail } from './video-stills.ts';

/** Widest and tallest a thumbnail is, in pixels. */
export const THUMBNAIL_SIDE = 320;
export const THUMBNAIL_MEDIA_TYPE = 'image/webp';

/**
 * A small WebP picture of a stored image or video (at most {@link THUMBNAIL_SIDE} px a side, never enlarged):
 * the image itself scaled down, or one frame of the video; null for audio, or when none could be made.
 */
export async function makeThumbnail(
  file: { path: string; kind: MediaKind; durationSeconds: number | null },
  ffmpegPath: string,
): Promise<Buffer | null> {
  let source: Buffer | string;
  if (file.kind === 'image') source = file.path;
  else if (file.kind === 'video') {
    const frame = await videoThumbnail(ffmpegPath, file.path, file.durationSeconds ?? undefined);
    if (!frame) return null;
    source = frame;
  } else return null;
  const sharp = await loadSharp();
  return sharp(source, { animated: false })
    .rotate()
    .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer();
}
