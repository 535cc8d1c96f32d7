import { resolve } from 'node:path';
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

/**
 * A file ffprobe cannot read as media. `message` is fit for an API answer: it never holds a path nor
 * ffprobe's own words; those are in `detail`, for the server's log only.
 */
export class ProbeError extends Error {
  override name = 'ProbeError';
  constructor(
    message: string,
    readonly detail: string = '',
  ) {
    super(message);
  }
}

/** An ffmpeg demuxer the gateway reads user files with, and the container's name in messages. */
interface Container {
  demuxer: 'mov' | 'matroska' | 'mp3' | 'wav' | 'ogg' | 'flac' | 'aac';
  name: string;
}

const MOV: Container = { demuxer: 'mov', name: 'MP4/MOV' };
const MATROSKA: Container = { demuxer: 'matroska', name: 'Matroska/WebM' };

/**
 * The demuxer of each accepted media type (as decided from the bytes). ffmpeg is always told which one to
 * use: left to guess, it picks by score among some 350 formats, and playlists and manifests (HLS, DASH,
 * ffconcat, SDP, IMF…) open the files and URLs they name. `audio/*` spellings of the video containers are
 * the types an audio-only MP4, MOV, WebM or MKV gets.
 */
const CONTAINERS: Readonly<Record<string, Container>> = {
  'video/mp4': MOV,
  'video/quicktime': MOV,
  'audio/mp4': MOV,
  'audio/x-m4a': MOV,
  'audio/quicktime': MOV,
  'video/webm': MATROSKA,
  'video/x-matroska': MATROSKA,
  'audio/webm': MATROSKA,
  'audio/x-matroska': MATROSKA,
  'audio/mpeg': { demuxer: 'mp3', name: 'MP3' },
  'audio/wav': { demuxer: 'wav', name: 'WAV' },
  'audio/x-wav': { demuxer: 'wav', name: 'WAV' },
  'audio/ogg': { demuxer: 'ogg', name: 'Ogg' },
  'audio/flac': { demuxer: 'flac', name: 'FLAC' },
  'audio/aac': { demuxer: 'aac', name: 'AAC (ADTS)' },
};

/** Every demuxer a user file may be read with; nothing else is ever opened, not even nested. */
export const ACCEPTED_DEMUXERS: readonly string[] = [
  ...new Set(Object.values(CONTAINERS).map((c) => c.demuxer)),
];

/** Other spellings of an accepted type, as sniffers write them, mapped to the one the gateway stores. */
const CANONICAL: Readonly<Record<string, string>> = {
  'video/matroska': 'video/x-matroska',
  'audio/matroska': 'audio/x-matroska',
  'audio/mp3': 'audio/mpeg',
  'audio/vnd.wave': 'audio/wav',
  'audio/wave': 'audio/wav',
};

/** A sniffed or declared media type in the one spelling the gateway uses: lower case, no parameters. */
export function canonicalMediaType(mime: string): string {
  const bare = (mime.split(';')[0] ?? mime).trim().toLowerCase();
  return CANONICAL[bare] ?? bare;
}

/** The ffmpeg demuxer for a media type, or null when the gateway does not read that type with ffmpeg. */
export const demuxerFor = (mediaType: string): string | null =>
  CONTAINERS[canonicalMediaType(mediaType)]?.demuxer ?? null;

/** The container's name for messages (`MP4/MOV`, `MP3`…), or the type itself. */
export const containerName = (mediaType: string): string =>
  CONTAINERS[canonicalMediaType(mediaType)]?.name ?? mediaType;

/** The input as a `file:` URL of its absolute path, so no other protocol can be named by the path. */
const fileInput = (path: string) => `file:${resolve(path)}`;

/**
 * The ffmpeg/ffprobe options that open one input the gateway did not make: its demuxer forced, only the
 * `file` protocol and only that demuxer allowed (a format opened from inside it is refused), and, for MOV,
 * external data references off. Ends with `-i <file:path>`; options of the input (`-stream_loop`…) go
 * before it.
 */
export function mediaInputArgs(path: string, mediaType: string): string[] {
  const demuxer = demuxerFor(mediaType);
  if (demuxer === null) throw new ProbeError(`files of type ${mediaType} are not read`);
  const mov = demuxer === 'mov' ? ['-enable_drefs', '0', '-use_absolute_path', '0'] : [];
  return [
    '-f',
    demuxer,
    ...mov,
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    demuxer,
    '-i',
    fileInput(path),
  ];
}

/** The options that open a single picture the gateway itself drew (a PNG layer): image2, no file pattern. */
export function pictureInputArgs(path: string): string[] {
  return [
    '-f',
    'image2',
    '-pattern_type',
    'none',
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    'image2',
    '-i',
    fileInput(path),
  ];
}

/**
 * The input options of a probe: with a media type, its demuxer forced (see {@link mediaInputArgs}); without
 * one (files the gateway made), ffprobe guesses, but only among the accepted demuxers and over `file`.
 */
function probeInputArgs(path: string, mediaType: string | undefined): string[] {
  if (mediaType !== undefined) return mediaInputArgs(path, mediaType);
  return [
    '-protocol_whitelist',
    'file',
    '-format_whitelist',
    ACCEPTED_DEMUXERS.join(','),
    '-i',
    fileInput(path),
  ];
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
  nb_read_frames?: unknown;
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

/** Runs ffprobe and parses its JSON; a failure is a {@link ProbeError} whose detail is ffprobe's stderr. */
async function ffprobeJson<T>(
  ffprobePath: string,
  args: string[],
  failure: string,
  signal: AbortSignal | undefined,
): Promise<T> {
  const result = await runProcess(ffprobePath, args, signal ? { signal } : {});
  if (result.code !== 0) {
    throw new ProbeError(failure, `ffprobe exited with ${result.code}: ${result.stderr.trim()}`);
  }
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new ProbeError('ffprobe gave unreadable output', result.stdout.slice(0, 2000));
  }
}

/**
 * Probes a file with ffprobe and validates what it reports. With `mediaType` (the type decided from the
 * file's bytes), the file is read only with that type's demuxer, and the container ffprobe reports must
 * be that one.
 */
export async function probeMedia(
  path: string,
  opts: { ffprobePath: string; mediaType?: string; signal?: AbortSignal; countPackets?: boolean },
): Promise<MediaProbe> {
  const count = opts.countPackets ? ['-count_packets'] : [];
  const what = opts.mediaType === undefined ? 'audio or video' : containerName(opts.mediaType);
  const parsed = await ffprobeJson<{
    format?: { format_name?: unknown; duration?: unknown };
    streams?: Stream[];
  }>(
    opts.ffprobePath,
    [
      '-v',
      'error',
      ...count,
      '-print_format',
      'json',
      '-show_format',
      '-show_streams',
      ...probeInputArgs(path, opts.mediaType),
    ],
    `its bytes do not read as ${what}`,
    opts.signal,
  );
  const format = parsed.format?.format_name;
  if (typeof format !== 'string') throw new ProbeError('ffprobe found no container');
  const expected = opts.mediaType === undefined ? ACCEPTED_DEMUXERS : [demuxerFor(opts.mediaType)];
  if (!format.split(',').some((name) => expected.includes(name))) {
    throw new ProbeError('its container is not the one its first bytes name', `ffprobe read it as ${format}`);
  }
  const streams = Array.isArray(parsed.streams) ? parsed.streams : [];
  const v = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const a = streams.find((s) => s.codec_type === 'audio');
  const duration = num(parsed.format?.duration) ?? num(v?.duration) ?? num(a?.duration);
  if (!v && !a) throw new ProbeError('no audio or video stream found');
  const probe: MediaProbe = { container: format, durationSeconds: duration ?? 0 };
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

/** How many packets of a stream {@link decodedFrames} decodes by default. */
export const DECODE_CHECK_PACKETS = 24;

/**
 * Decodes the first `packets` packets of the file's first video or audio stream (ffprobe `-count_frames`
 * over a read interval, the demuxer forced as in {@link probeMedia}) and says how many frames came out. A
 * file whose packets are there but hold nothing decodable gives 0: it would probe fine, then make a
 * renderer that loops its input wait for a frame forever.
 */
export async function decodedFrames(
  path: string,
  opts: {
    ffprobePath: string;
    mediaType: string;
    stream: 'video' | 'audio';
    packets?: number;
    signal?: AbortSignal;
  },
): Promise<number> {
  const packets = Math.max(1, Math.floor(opts.packets ?? DECODE_CHECK_PACKETS));
  const parsed = await ffprobeJson<{ streams?: Stream[] }>(
    opts.ffprobePath,
    [
      '-v',
      'error',
      '-select_streams',
      opts.stream === 'video' ? 'v:0' : 'a:0',
      '-count_frames',
      '-read_intervals',
      `%+#${packets}`,
      '-show_entries',
      'stream=nb_read_frames',
      '-print_format',
      'json',
      ...mediaInputArgs(path, opts.mediaType),
    ],
    `its ${opts.stream} could not be read`,
    opts.signal,
  );
  return num(parsed.streams?.[0]?.nb_read_frames) ?? 0;
}
