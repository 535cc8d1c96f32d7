import type { Json } from '@reelay/catalog';
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
}

export type RenderSpec = VideoSpec;

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

/** Reads the common fields of any model's normalised input into a render spec. */
export function renderSpecFor(call: Pick<StartCall, 'model' | 'input' | 'media'>): RenderSpec {
  const { input } = call;
  const size = frameSize(text(input.aspectRatio, '9:16'), text(input.resolution, '720p'));
  const duration = typeof input.duration === 'number' ? input.duration : 5;
  const byOrder = [...call.media].sort((a, b) => (a.field === b.field ? (a.index ?? 0) - (b.index ?? 0) : 0));
  return {
    kind: 'video',
    ...size,
    fps: 24,
    durationSeconds: duration,
    audio: input.audioEnabled === true,
    prompt: text(input.prompt, ''),
    label: `Reelay local renderer · ${call.model}`,
    images: byOrder.filter((m) => m.kind === 'image').map((m) => m.path),
    video: byOrder.find((m) => m.kind === 'video')?.path ?? null,
  };
}
