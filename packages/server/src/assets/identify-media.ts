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

const corrupt = (kind: string, reason: string) =>
  new ApiError('unsupported_media_type', 415, `The file looks like ${kind} but cannot be read: ${reason}`);

/** Sniffs the file's magic numbers (never trusting a declared type) and probes its dimensions. */
export async function identifyMedia(path: string, ffprobePath: string): Promise<MediaFacts> {
  const sniffed = await fileTypeFromFile(path);
  if (!sniffed) throw unsupported('The file is not a recognised image, video or audio format.');
  const mime = sniffed.mime.split(';')[0]?.trim() ?? sniffed.mime;
  if (IMAGE_TYPES.has(mime)) {
    try {
      const meta = await sharp(path).metadata();
      if (!meta.width || !meta.height) throw new Error('no dimensions');
      await sharp(path).stats();
      return {
        kind: 'image',
        mediaType: mime,
        width: meta.width,
        height: meta.height,
        durationSeconds: null,
        hasAudio: null,
      };
    } catch (error) {
      throw corrupt(mime, (error as Error).message);
    }
  }
  if (VIDEO_TYPES.has(mime) || AUDIO_TYPES.has(mime)) {
    let probe: Awaited<ReturnType<typeof probeMedia>>;
    try {
      probe = await probeMedia(path, { ffprobePath });
    } catch (error) {
      throw corrupt(mime, (error as Error).message);
    }
    if (probe.video) {
      return {
        kind: 'video',
        mediaType: mime,
        width: probe.video.width,
        height: probe.video.height,
        durationSeconds: probe.durationSeconds,
        hasAudio: probe.audio !== undefined,
      };
    }
    if (probe.audio) {
      const mediaType = mime.startsWith('video/') ? mime.replace('video/', 'audio/') : mime;
      return {
        kind: 'audio',
        mediaType,
        width: null,
        height: null,
        durationSeconds: probe.durationSeconds,
        hasAudio: true,
      };
    }
    throw corrupt(mime, 'it has neither a video nor an audio stream');
  }
  throw unsupported(`Files of type ${mime} are not accepted.`);
}
