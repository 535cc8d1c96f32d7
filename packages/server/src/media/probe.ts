import { runProcess } from './run-process.ts';

/** What ffprobe says of a media file. */
export interface MediaProbe {
  container: string;
  durationSeconds: number;
  video?: { codec: string; width: number; height: number; fps: number; pixelFormat: string };
  audio?: { codec: string; sampleRate: number; channels: number };
  /** With `countPackets`: false when the file holds fewer packets than its index promises (truncated). */
  complete?: boolean;
}

/** A file ffprobe cannot read as media. */
export class ProbeError extends Error {
  override name = 'ProbeError';
}

interface Stream {
  codec_type?: unknown;
  codec_name?: unknown;
  width?: unknown;
  height?: unknown;
  avg_frame_rate?: unknown;
  r_frame_rate?: unknown;
  pix_fmt?: unknown;
  sample_rate?: unknown;
  channels?: unknown;
  duration?: unknown;
  nb_frames?: unknown;
  nb_read_packets?: unknown;
  disposition?: { attached_pic?: unknown };
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
};

const rate = (v: unknown): number => {
  if (typeof v !== 'string') return 0;
  const [a, b] = v.split('/').map(Number);
  return a !== undefined && b ? a / b : (a ?? 0);
};

/** Probes a file with ffprobe and validates what it reports. */
export async function probeMedia(
  path: string,
  opts: { ffprobePath: string; signal?: AbortSignal; countPackets?: boolean },
): Promise<MediaProbe> {
  const count = opts.countPackets ? ['-count_packets'] : [];
  const result = await runProcess(
    opts.ffprobePath,
    ['-v', 'error', ...count, '-print_format', 'json', '-show_format', '-show_streams', path],
    opts.signal ? { signal: opts.signal } : {},
  );
  if (result.code !== 0)
    throw new ProbeError(result.stderr.trim().split('\n').at(-1) || `ffprobe exited with ${result.code}`);
  let parsed: { format?: { format_name?: unknown; duration?: unknown }; streams?: Stream[] };
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new ProbeError('ffprobe gave unreadable output');
  }
  const streams = Array.isArray(parsed.streams) ? parsed.streams : [];
  const v = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const a = streams.find((s) => s.codec_type === 'audio');
  const duration = num(parsed.format?.duration) ?? num(v?.duration) ?? num(a?.duration);
  if (typeof parsed.format?.format_name !== 'string' || (!v && !a))
    throw new ProbeError('no audio or video stream found');
  const probe: MediaProbe = { container: parsed.format.format_name, durationSeconds: duration ?? 0 };
  if (v) {
    const width = num(v.width);
    const height = num(v.height);
    if (!width || !height) throw new ProbeError('the video stream has no dimensions');
    probe.video = {
      codec: String(v.codec_name ?? 'unknown'),
      width,
      height,
      fps: rate(v.avg_frame_rate) || rate(v.r_frame_rate),
      pixelFormat: String(v.pix_fmt ?? 'unknown'),
    };
  }
  if (opts.countPackets) {
    // Reading every packet finds what the container's index promises but the file no longer holds.
    probe.complete = [v, a].every((s) => {
      const promised = num(s?.nb_frames);
      const read = num(s?.nb_read_packets);
      return !s || promised === null || read === null || read >= promised;
    });
  }
  if (a) {
    probe.audio = {
      codec: String(a.codec_name ?? 'unknown'),
      sampleRate: num(a.sample_rate) ?? 0,
      channels: num(a.channels) ?? 0,
    };
  }
  return probe;
}
