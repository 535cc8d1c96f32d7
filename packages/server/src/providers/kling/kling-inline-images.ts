import { readFile } from 'node:fs/promises';
import type { FileHandOver, HandedOver, HandOverFile } from '../provider.ts';

/** Kling takes JPEG and PNG images of at most 10 MB. */
const TYPES = new Set(['image/jpeg', 'image/png']);
export const KLING_INLINE_MAX_BYTES = 10 * 1024 * 1024;

/**
 * Kling takes images inline: raw base64, without a `data:` prefix, wherever it takes an image URL
 * (`image_list[].image_url`, `image`, `image_tail`). Videos it takes only by URL, so they are not accepted here.
 * An inline image is in the request itself: read whole (at most 10 MB) and never stored upstream.
 */
export class KlingInlineImages implements FileHandOver {
  readonly way = 'inline';

  accepts(file: { kind: string; mediaType: string; bytes: number }): boolean {
    return file.kind === 'image' && TYPES.has(file.mediaType) && file.bytes <= KLING_INLINE_MAX_BYTES;
  }

  async handOver(file: HandOverFile): Promise<HandedOver> {
    return { url: (await readFile(file.path)).toString('base64'), expiresAt: null };
  }
}
