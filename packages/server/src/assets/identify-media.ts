import { readFile, stat } from 'node:fs/promises';
import type { MediaKind } from '@reelay/catalog';
import { ApiError } from '../errors.ts';
import { loadFileType, loadSharp } from '../media/media-libraries.ts';
import {
  canonicalMediaType,
  DECODE_CHECK_PACKETS,
  decodedFrames,
  ProbeError,
  probeMedia,
} from '../media/probe.ts';
import { logProcessDetail } from '../media/run-process.ts';

/** What a file is, decided from its bytes, with the facts a slot may check. */
export interface MediaFacts {
  kind: MediaKind;
  mediaType: string;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  hasAudio: boolean | null;
  fps: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
}

/**
 * How large an image may be before it is decoded: `maxPixels` (width × height) always, and `maxSide` when the
 * slot it is for publishes one. Both are judged from the file's header alone.
 */
export interface ImageLimits {
  maxPixels: number;
  maxSide?: number | undefined;
  /** A video frame's largest pixel count, judged from ffprobe's header facts before any frame is decoded. */
  maxFramePixels?: number | undefined;
}

/**
 * The gateway-wide image limit, 8192 × 8192 pixels (64 Mi): four times the largest image an upstream makes
 * (4K outputs of about 17 megapixels) and above the largest camera photos (about 61 megapixels), while a
 * full decode of one stays near 280 MB. sharp's own default (0x3FFF², 268 megapixels) lets a 1 MB PNG cost
 * a gigabyte.
 */
export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = { maxPixels: 8192 * 8192 };

/** Files up to this size are read into memory once for sniffing and probing (an image is then opened once). */
const READ_WHOLE_BYTES = 4 * 1024 * 1024;

/** An image to probe: its bytes when they were read whole, else its path. */
type ImageSource = Buffer | string;

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
/** Types as {@link canonicalMediaType} spells them (file-type's `video/matroska` is `video/x-matroska`). */
const VIDEO_TYPES = new Set(['video/mp4', 'video/quicktime', 'video/webm', 'video/x-matroska']);
const AUDIO_TYPES = new Set([
  'audio/mpeg',
  'audio/wav',
  'audio/x-wav',
  'audio/ogg',
  'audio/flac',
  'audio/aac',
  'audio/x-m4a',
  'audio/mp4',
]);

const unsupported = (what: string) =>
  new ApiError(
    'unsupported_media_type',
    415,
    `${what} Accepted: PNG, JPEG, WebP or GIF images; MP4, MOV, WebM or MKV videos; MP3, WAV, OGG, FLAC, AAC or M4A audio.`,
  );

const corrupt = (mediaType: string, reason: string) =>
  new ApiError(
    'unsupported_media_type',
    415,
    `The file starts like ${mediaType} but cannot be read: ${reason}. It may be truncated or damaged.`,
  );

/** The kind a declared Content-Type names (`image/…`, `video/…`, `audio/…`), or null when it names none. */
function declaredKind(declared: string | null | undefined): MediaKind | null {
  const top = declared?.split(';')[0]?.trim().toLowerCase().split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : null;
}

/**
 * Sniffs the file's magic numbers (never trusting a declared type) and probes it: sharp for images (sized
 * from the header against `imageLimits`, a 413 past them, then decoded in full, so a cut-off image is
 * found), ffprobe for video and audio (every packet counted for video, so a
 * file shorter than its index is found). A `declared` Content-Type naming another kind than the bytes is a
 * 415: the file is not what it claims to be.
 */
export async function identifyMedia(
  path: string,
  ffprobePath: string,
  declared?: string | null,
  imageLimits: Readonly<ImageLimits> = DEFAULT_IMAGE_LIMITS,
): Promise<MediaFacts> {
  // A small file is read once and judged from memory; a larger one is read where each check needs it.
  const bytes = (await stat(path)).size <= READ_WHOLE_BYTES ? await readFile(path) : null;
  const fileType = await loadFileType();
  const sniffed = bytes ? await fileType.fileTypeFromBuffer(bytes) : await fileType.fileTypeFromFile(path);
  if (!sniffed) throw unsupported('The file is not a recognised image, video or audio format.');
  // One spelling per type: file-type's `video/matroska` is stored as `video/x-matroska`.
  const mime = canonicalMediaType(sniffed.mime);
  const facts = IMAGE_TYPES.has(mime)
    ? await probeImage(bytes ?? path, mime, imageLimits)
    : await probe(path, mime, ffprobePath, imageLimits.maxFramePixels);
  const claimed = declaredKind(declared);
  if (claimed !== null && claimed !== facts.kind) {
    throw new ApiError(
      'unsupported_media_type',
      415,
      `The file was sent as ${declared?.split(';')[0]?.trim()} but its bytes are ${facts.mediaType} (${facts.kind}).`,
    );
  }
  return facts;
}

/** A pixel count in words: `67108864 pixels (8192×8192)` when it is a square, else `N pixels`. */
function pixelsInWords(pixels: number): string {
  const side = Math.sqrt(pixels);
  return Number.isInteger(side) ? `${pixels} pixels (${side}×${side})` : `${pixels} pixels`;
}

/**
 * Why a picture (an image, or a video's frame) of `width`×`height` is past `limit` pixels, in words, or null
 * when it is not. One sentence for every place that judges a size: the header before a decode, and the facts
 * of a stored asset.
 */
export function pictureTooLarge(
  kind: 'image' | 'video',
  width: number,
  height: number,
  limit: number,
): string | null {
  const pixels = width * height;
  if (pixels <= limit) return null;
  const words = pixelsInWords(limit);
  return kind === 'image'
    ? `The image is ${width}×${height} px (${pixels} pixels); images may have at most ${words}.`
    : `The video's frames are ${width}×${height} px (${pixels} pixels); a video frame may have at most ${words}.`;
}

/** Up to this many pixels, a decode check keeps the pixels (at most 4 MiB of them) rather than averaging them. */
const KEPT_DECODE_PIXELS = 1 << 20;

/**
 * Decodes every pixel of an image, keeping nothing of it: a cut-off or damaged file fails here. A small image is
 * decoded into a buffer; a larger one is averaged down to one pixel as it is read, so memory stays flat. (sharp's
 * `stats()` reads the same pixels but also computes entropy, sharpness and a colour histogram: 11 ms for a 64 px
 * icon and 190 ms for a 2048 px PNG, against 1 ms and 9 ms here.)
 */
async function decodeAll(source: ImageSource, pixels: number, maxPixels: number): Promise<void> {
  const image = (await loadSharp())(source, { limitInputPixels: maxPixels });
  if (pixels <= KEPT_DECODE_PIXELS) await image.raw().toBuffer();
  else await image.resize(1, 1, { fit: 'fill', fastShrinkOnLoad: false }).raw().toBuffer();
}

/**
 * Reads an image's header (sharp's `metadata()` decodes no pixels) and refuses one larger than `limits`
 * with a 413 before anything is decoded; only then decodes it in full (`decodeAll`, with sharp's own pixel
 * limit set to the same number), so a cut-off image is still found.
 */
async function probeImage(
  source: ImageSource,
  mime: string,
  limits: Readonly<ImageLimits>,
): Promise<MediaFacts> {
  const sharp = await loadSharp();
  const meta = await sharp(source, { limitInputPixels: false })
    .metadata()
    .catch((error: Error) => {
      throw corrupt(mime, error.message.replace(/\.$/, ''));
    });
  const { width, height } = meta;
  if (!width || !height) throw corrupt(mime, 'it has no dimensions');
  if (limits.maxSide !== undefined && Math.max(width, height) > limits.maxSide) {
    throw new ApiError(
      'payload_too_large',
      413,
      `The image is ${width}×${height} px; this slot takes at most ${limits.maxSide} px a side.`,
    );
  }
  const tooLarge = pictureTooLarge('image', width, height, limits.maxPixels);
  if (tooLarge !== null) throw new ApiError('payload_too_large', 413, tooLarge);
  try {
    await decodeAll(source, width * height, limits.maxPixels);
  } catch (error) {
    throw corrupt(mime, (error as Error).message.replace(/\.$/, ''));
  }
  // EXIF orientation 5–8 turns the picture a quarter: its displayed sides are swapped.
  const shown = meta.autoOrient ?? { width, height };
  return {
    kind: 'image',
    mediaType: mime,
    width: shown.width,
    height: shown.height,
    durationSeconds: null,
    hasAudio: null,
    fps: null,
    videoCodec: meta.format ?? null,
    audioCodec: null,
  };
}

async function probe(
  path: string,
  mime: string,
  ffprobePath: string,
  maxFramePixels: number | undefined,
): Promise<MediaFacts> {
  if (!VIDEO_TYPES.has(mime) && !AUDIO_TYPES.has(mime)) {
    throw unsupported(`Files of type ${mime} are not accepted.`);
  }
  // ffprobe reads the file with the demuxer of the type its bytes name, and nothing else: a playlist or
  // manifest behind an MP3, AAC or ID3 header is never opened as one, so no file or URL it names is read.
  let probed: Awaited<ReturnType<typeof probeMedia>>;
  try {
    probed = await probeMedia(path, { ffprobePath, mediaType: mime, countPackets: VIDEO_TYPES.has(mime) });
  } catch (error) {
    throw refusedByProbe(mime, error);
  }
  if (probed.complete === false) throw corrupt(mime, 'it holds fewer frames than its index lists');
  const tooLarge =
    probed.video && maxFramePixels !== undefined
      ? pictureTooLarge('video', probed.video.width, probed.video.height, maxFramePixels)
      : null;
  if (tooLarge !== null) throw new ApiError('payload_too_large', 413, tooLarge);
  // Packets can be all there and still hold nothing a decoder takes (zeroed picture data): decode a few.
  const stream = probed.video ? 'video' : probed.audio ? 'audio' : null;
  if (stream !== null) {
    let frames: number;
    try {
      frames = await decodedFrames(path, { ffprobePath, mediaType: mime, stream });
    } catch (error) {
      throw refusedByProbe(mime, error);
    }
    if (frames === 0) {
      throw new ApiError(
        'unsupported_media_type',
        415,
        `The file is ${mime} but its ${stream} cannot be decoded: none of its first ${DECODE_CHECK_PACKETS} packets gave a ${stream === 'video' ? 'picture' : 'sound'}. It may be damaged.`,
      );
    }
  }
  if (probed.video) {
    return {
      kind: 'video',
      mediaType: mime,
      width: probed.video.width,
      height: probed.video.height,
      durationSeconds: probed.durationSeconds,
      hasAudio: probed.audio !== undefined,
      fps: probed.video.fps || null,
      videoCodec: probed.video.codec,
      audioCodec: probed.audio?.codec ?? null,
    };
  }
  if (probed.audio) {
    return {
      kind: 'audio',
      mediaType: mime.startsWith('video/') ? mime.replace('video/', 'audio/') : mime,
      width: null,
      height: null,
      durationSeconds: probed.durationSeconds,
      hasAudio: true,
      fps: null,
      videoCodec: null,
      audioCodec: probed.audio.codec,
    };
  }
  throw corrupt(mime, 'it has neither a video nor an audio stream');
}

/** The 415 for a file ffprobe refused: ffprobe's own words (which name the file's path) go to the log only. */
function refusedByProbe(mime: string, error: unknown): Error {
  if (!(error instanceof ProbeError)) return error as Error;
  logProcessDetail(`ffprobe refused a ${mime} file`, error.detail);
  return corrupt(mime, error.message);
}
