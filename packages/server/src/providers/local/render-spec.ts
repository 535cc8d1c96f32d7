import { findModel, type Json } from '@reelay/catalog';
import type { StartCall } from '../provider.ts';

/** Everything a render needs, as JSON, so it can be redone after a restart. */
export interface VideoSpec {
  kind: 'video';
  width: number;
  height: number;
  fps: number;
  durationSeconds: number;
  audio: boolean;
  prompt: string;
  /** The small print naming the renderer and the model it stands in for. */
  label: string;
  images: string[];
  video: string | null;
  /**
   * The source video's media type, decided from its bytes at upload: ffmpeg reads it with that type's
   * demuxer only (absent in specs stored before it existed: the file is sniffed again).
   */
  videoType?: string | null;
  /** A voiceover to use as the soundtrack when audio is on (absent in specs stored before it existed). */
  audioTrack?: string | null;
  /** The voiceover's media type, as {@link videoType}. */
  audioTrackType?: string | null;
  /** Keep the source video's own sound (if it has any) instead of making one: motion transfer. */
  sourceAudio?: boolean;
}

export interface ImageSpec {
  kind: 'image';
  width: number;
  height: number;
  format: 'png' | 'jpeg' | 'webp';
  prompt: string;
  label: string;
  images: string[];
}

export interface AudioSpec {
  kind: 'audio';
  durationSeconds: number;
  format: 'mp3' | 'wav' | 'ogg';
  prompt: string;
}

export type RenderSpec = VideoSpec | ImageSpec | AudioSpec;

/** File extension and media type of each output format. */
export const OUTPUT_FORMATS = {
  video: { ext: 'mp4', mediaType: 'video/mp4' },
  png: { ext: 'png', mediaType: 'image/png' },
  jpeg: { ext: 'jpg', mediaType: 'image/jpeg' },
  webp: { ext: 'webp', mediaType: 'image/webp' },
  mp3: { ext: 'mp3', mediaType: 'audio/mpeg' },
  wav: { ext: 'wav', mediaType: 'audio/wav' },
  ogg: { ext: 'ogg', mediaType: 'audio/ogg' },
} as const;

/** The output file of a spec. */
export const outputOf = (spec: RenderSpec) => OUTPUT_FORMATS[spec.kind === 'video' ? 'video' : spec.format];

/** The short side of each resolution. */
const SHORT_SIDE: Record<string, number> = {
  '480p': 480,
  '720p': 720,
  '1080p': 1080,
  '2k': 1440,
  '4k': 2160,
};

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** Frame size for an aspect ratio `w:h` and a resolution (its short side): 9:16 at 720p → 720×1280. */
export function frameSize(aspectRatio: string, resolution: string): { width: number; height: number } {
  const short = SHORT_SIDE[resolution.toLowerCase()] ?? 720;
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(aspectRatio);
  const w = match ? Number(match[1]) : 9;
  const h = match ? Number(match[2]) : 16;
  if (w === h) return { width: short, height: short };
  return w < h
    ? { width: short, height: even((short * h) / w) }
    : { width: even((short * w) / h), height: short };
}

const text = (v: Json | undefined, fallback: string) => (typeof v === 'string' ? v : fallback);

/** Image size for an aspect ratio and `imageSize` (`1K` … `4K`: the long side is 1024 × K pixels). */
export function imageSize(aspectRatio: string, size: string): { width: number; height: number } {
  const k = Number(/^(\d+(?:\.\d+)?)k$/i.exec(size)?.[1] ?? 1);
  const long = Math.round(1024 * k);
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(aspectRatio);
  const w = match ? Number(match[1]) : 1;
  const h = match ? Number(match[2]) : 1;
  return w >= h
    ? { width: long, height: even((long * h) / w) }
    : { width: even((long * w) / h), height: long };
}

const pick = <T extends string>(value: Json | undefined, allowed: readonly T[], fallback: T): T =>
  typeof value === 'string' && (allowed as readonly string[]).includes(value.toLowerCase())
    ? (value.toLowerCase() as T)
    : fallback;

type Media = StartCall['media'][number];

/** Where a slot's images go in the picture: first frames and the photo to animate first, last frames last. */
const FIRST = new Set(['startImage', 'referencePhoto', 'sourceImage']);
const LAST = new Set(['endImage']);
/** Slots that steer the result without being shown (a mask only marks the region an edit may change). */
const HIDDEN = new Set(['maskImage']);
const rank = (m: Media) => (FIRST.has(m.field) ? 0 : LAST.has(m.field) ? 2 : 1);

/**
 * The media of one kind in a stable order that does not depend on how the input was stored: by role, then slot
 * name (`referenceVideo` before `referenceVideo2`), then index.
 */
function ordered(media: readonly Media[], kind: Media['kind']): string[] {
  return orderedMedia(media, kind).map((m) => m.path);
}

/** {@link ordered}, each with its media type. */
function orderedMedia(media: readonly Media[], kind: Media['kind']): Media[] {
  return media
    .filter((m) => m.kind === kind && !HIDDEN.has(m.field))
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (a.field < b.field ? -1 : a.field > b.field ? 1 : 0) ||
        (a.index ?? 0) - (b.index ?? 0),
    );
}

/** Reads the common fields of any model's normalised input into a render spec for its type. */
export function renderSpecFor(call: Pick<StartCall, 'model' | 'type' | 'input' | 'media'>): RenderSpec {
  const { input } = call;
  const label = `Reelay local renderer · ${call.model}`;
  if (call.type === 'image') {
    return {
      kind: 'image',
      ...imageSize(text(input.aspectRatio, '1:1'), text(input.imageSize, text(input.resolution, '1K'))),
      format: pick(input.outputFormat, ['png', 'jpeg', 'webp'] as const, 'png'),
      prompt: text(input.prompt, ''),
      label,
      images: ordered(call.media, 'image'),
    };
  }
  if (call.type === 'audio') {
    return {
      kind: 'audio',
      durationSeconds: typeof input.duration === 'number' ? input.duration : 5,
      format: pick(input.outputFormat, ['mp3', 'wav', 'ogg'] as const, 'mp3'),
      prompt: text(input.prompt ?? input.text, ''),
    };
  }
  const size = frameSize(text(input.aspectRatio, '9:16'), text(input.resolution, '720p'));
  const duration = typeof input.duration === 'number' ? input.duration : 5;
  // The catalog says where a model's sound comes from; unknown ids (tests, stand-ins) follow audioEnabled.
  const sound = findModel(call.model)?.audio;
  const audio = sound === 'always' || input.audioEnabled === true;
  const source = orderedMedia(call.media, 'video')[0] ?? null;
  const video = source?.path ?? null;
  const sourceAudio = sound === 'source' && audio && video !== null;
  const voice = audio && !sourceAudio ? (orderedMedia(call.media, 'audio')[0] ?? null) : null;
  return {
    kind: 'video',
    ...size,
    fps: 24,
    durationSeconds: duration,
    audio,
    prompt: text(input.prompt, ''),
    label,
    images: ordered(call.media, 'image'),
    video,
    videoType: source?.mediaType ?? null,
    audioTrack: voice?.path ?? null,
    audioTrackType: voice?.mediaType ?? null,
    ...(sourceAudio ? { sourceAudio } : {}),
  };
}
