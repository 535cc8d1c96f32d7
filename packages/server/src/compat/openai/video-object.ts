import type { CoreGeneration } from './openai-core.ts';

/** OpenAI's video object. */
export interface VideoObject {
  id: string;
  object: 'video';
  model: string;
  status: 'queued' | 'in_progress' | 'completed' | 'failed';
  progress: number;
  created_at: number;
  completed_at: number | null;
  expires_at: number | null;
  prompt: string | null;
  seconds: string;
  size: string;
  error: { code: string; message: string } | null;
  remixed_from_video_id: string | null;
}

const STATUS = {
  queued: 'queued',
  running: 'in_progress',
  succeeded: 'completed',
  failed: 'failed',
  canceled: 'failed',
} as const;

const SHORT_SIDES: Record<string, number> = { '480p': 480, '720p': 720, '1080p': 1080, '4k': 2160 };

const unix = (d: Date) => Math.floor(d.getTime() / 1000);
const even = (n: number) => Math.round(n / 2) * 2;

/** The frame size the input asks for (`9:16` at `720p` → `720x1280`), or '' when it does not say. */
function requestedSize(input: CoreGeneration['input']): string {
  const ratio = typeof input.aspectRatio === 'string' ? input.aspectRatio.split(':').map(Number) : [];
  const short = typeof input.resolution === 'string' ? SHORT_SIDES[input.resolution] : undefined;
  const [w, h] = ratio;
  if (!w || !h || short === undefined) return '';
  return w >= h ? `${even((short * w) / h)}x${short}` : `${short}x${even((short * h) / w)}`;
}

/**
 * A generation as OpenAI's video object. `size` and `seconds` are the output's own once it exists, else what the
 * input asks for; a canceled generation reads as `failed` with the code `canceled`.
 */
export function videoObject(
  g: CoreGeneration,
  extra: { remixedFrom: string | null; retentionHours: number },
): VideoObject {
  const output = g.outputs[0];
  const size =
    output?.width !== undefined && output.height !== undefined
      ? `${output.width}x${output.height}`
      : requestedSize(g.input);
  const seconds =
    output?.durationSeconds !== undefined
      ? String(Math.round(output.durationSeconds))
      : typeof g.input.duration === 'number'
        ? String(g.input.duration)
        : '';
  const completedAt = g.completedAt ? unix(g.completedAt) : null;
  return {
    id: g.id,
    object: 'video',
    model: g.model,
    status: STATUS[g.status],
    progress:
      g.status === 'succeeded' ? 100 : Math.max(0, Math.min(100, Math.round((g.progress ?? 0) * 100))),
    created_at: unix(g.createdAt),
    completed_at: completedAt,
    // The generation's own retention (its key's default: this shape sends no `retention`), else the server's.
    expires_at:
      completedAt !== null && output && (g.retentionSeconds ?? extra.retentionHours * 3600) > 0
        ? completedAt + (g.retentionSeconds ?? extra.retentionHours * 3600)
        : null,
    prompt: typeof g.input.prompt === 'string' ? g.input.prompt : null,
    seconds,
    size,
    error:
      g.status === 'canceled'
        ? { code: 'canceled', message: g.error?.message ?? 'Canceled by request.' }
        : g.status === 'failed'
          ? (g.error ?? { code: 'failed', message: 'The generation failed.' })
          : null,
    remixed_from_video_id: extra.remixedFrom,
  };
}
