import type { MediaKind } from '@reelay/catalog';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import { ApiError } from '../errors.ts';
import { probeMedia } from '../media/probe.ts';

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

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);
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
 * Sniffs the file's magic numbers (never trusting a declared type) and probes it: sharp for images (decoded
 * in full, so a cut-off image is found), ffprobe for video and audio (every packet counted for video, so a
 * file shorter than its index is found). A `declared` Content-Type naming another kind than the bytes is a
 * 415: the file is not what it claims to be.
 */
export async function identifyMedia(
  path: string,
  ffprobePath: string,
  declared?: string | null,
): Promise<MediaFacts> {
  const sniffed = await fileTypeFromFile(path);
  if (!sniffed) throw unsupported('The file is not a recognised image, video or audio format.');
  const mime = sniffed.mime.split(';')[0]?.trim() ?? sniffed.mime;
  const facts = await probe(path, mime, ffprobePath);
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

async function probe(path: string, mime: string, ffprobePath: string): Promise<MediaFacts> {
  if (IMAGE_TYPES.has(mime)) {
    try {
      const meta = await sharp(path).metadata();
      if (!meta.width || !meta.height) throw new Error('it has no dimensions');
      await sharp(path).stats();
      // EXIF orientation 5–8 turns the picture a quarter: its displayed sides are swapped.
      const shown = meta.autoOrient ?? { width: meta.width, height: meta.height };
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
    } catch (error) {
      throw corrupt(mime, (error as Error).message.replace(/\.$/, ''));
    }
  }
  if (!VIDEO_TYPES.has(mime) && !AUDIO_TYPES.has(mime)) {
    throw unsupported(`Files of type ${mime} are not accepted.`);
  }
  let probed: Awaited<ReturnType<typeof probeMedia>>;
  try {
    probed = await probeMedia(path, { ffprobePath, countPackets: VIDEO_TYPES.has(mime) });
  } catch (error) {
    throw corrupt(mime, (error as Error).message);
  }
  if (probed.complete === false) throw corrupt(mime, 'it holds fewer frames than its index lists');
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
