import type { FieldError, MediaAccepts } from '@reelay/catalog';

/** The facts of a stored file that slot constraints look at. */
export interface SlotFacts {
  kind: string;
  mediaType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  fps: number | null;
}

/** Containers round a clip's length up by a few hundredths (audio priming); upstreams allow the same. */
const DURATION_SLACK_SECONDS = 0.05;

const NAMES: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
  'image/gif': 'GIF',
  'video/mp4': 'MP4',
  'video/quicktime': 'MOV',
  'video/webm': 'WebM',
  'video/x-matroska': 'MKV',
};
const nameOf = (mediaType: string) => NAMES[mediaType] ?? mediaType;
const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const ratio = (n: number) => (n >= 1 ? `${round(n, 3)}:1` : `1:${round(1 / n, 3)}`);

/**
 * What a slot publishes that bounds a file's size in pixels, for the checks made from a file's header before
 * it is decoded (its largest side); the rest of `accepts` is checked on the stored file by {@link checkSlot}.
 */
export function inputLimits(accepts: MediaAccepts | undefined): { maxSide?: number } {
  const maxSide = accepts?.side?.max;
  return maxSide !== undefined ? { maxSide } : {};
}

/**
 * Checks one stored file against what its slot accepts and returns an error per broken rule, each naming
 * `param` (`input.referenceAssetUris[3]`) and saying what the file is and what the slot wants.
 */
export function checkSlot(facts: SlotFacts, accepts: MediaAccepts | undefined, param: string): FieldError[] {
  if (accepts === undefined) return [];
  const errors: FieldError[] = [];
  const fail = (code: FieldError['code'], message: string) =>
    errors.push({ param, code, message: `${param}: ${message}` });
  const what = facts.kind === 'image' ? 'the image' : facts.kind === 'video' ? 'the video' : 'the file';

  if (accepts.mediaTypes && !accepts.mediaTypes.includes(facts.mediaType)) {
    fail(
      'not_allowed',
      `${what} is ${nameOf(facts.mediaType)}; this slot takes ${accepts.mediaTypes.map(nameOf).join(' or ')}.`,
    );
  }
  if (accepts.maxBytes !== undefined && facts.bytes > accepts.maxBytes) {
    fail(
      'out_of_range',
      `${what} is ${facts.bytes} bytes (${megabytes(facts.bytes)}); this slot takes at most ${accepts.maxBytes} bytes (${megabytes(accepts.maxBytes)}).`,
    );
  }
  const { width, height } = facts;
  if (accepts.side && width !== null && height !== null) {
    const { min, max } = accepts.side;
    const smaller = Math.min(width, height);
    const larger = Math.max(width, height);
    if (min !== undefined && smaller < min) {
      fail('out_of_range', `${what} is ${width}×${height} px; each side must be at least ${min} px.`);
    } else if (max !== undefined && larger > max) {
      fail('out_of_range', `${what} is ${width}×${height} px; each side must be at most ${max} px.`);
    }
  }
  if (accepts.aspectRatio && width !== null && height !== null && height > 0) {
    const shape = width / height;
    const { min, max } = accepts.aspectRatio;
    if (shape < min - 1e-9 || shape > max + 1e-9) {
      fail(
        'out_of_range',
        `${what} is ${width}×${height} px (${ratio(shape)}); its aspect ratio must be between ${ratio(min)} and ${ratio(max)}.`,
      );
    }
  }
  if (accepts.durationSeconds && facts.durationSeconds !== null) {
    const { min, max } = accepts.durationSeconds;
    const d = facts.durationSeconds;
    if (d < min - DURATION_SLACK_SECONDS || d > max + DURATION_SLACK_SECONDS) {
      fail('out_of_range', `${what} lasts ${round(d)} s; this slot takes ${min} to ${max} s.`);
    }
  }
  if (accepts.fps && facts.fps !== null) {
    const { min, max } = accepts.fps;
    if (facts.fps < min || facts.fps > max) {
      fail(
        'out_of_range',
        `${what} runs at ${round(facts.fps, 3)} fps; this slot takes ${min} to ${max} fps.`,
      );
    }
  }
  return errors;
}
