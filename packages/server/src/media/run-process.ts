import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The last `limit` bytes written to it, kept as the chunks that arrived: a chunk is stored as it is and whole
 * chunks are let go from the front once the rest holds `limit` bytes, so a program that prints megabytes
 * costs no copying per chunk, only one join when the text is read.
 */
export class TailBuffer {
  private chunks: (Buffer | undefined)[] = [];
  private head = 0;
  private held = 0;
  /** Whether anything written has been let go (the text may then start inside a character). */
  private cut = false;

  constructor(readonly limit: number) {
    if (!(limit > 0)) throw new RangeError('a TailBuffer needs a positive limit');
  }

  /** Bytes held: at least the last `limit` written (when that many were), and less than `limit` + one chunk. */
  get bytesHeld(): number {
    return this.held;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (chunk.length >= this.limit) {
      this.chunks = [chunk.subarray(chunk.length - this.limit)];
      this.head = 0;
      this.held = this.limit;
      this.cut = true;
      return;
    }
    this.chunks.push(chunk);
    this.held += chunk.length;
    for (;;) {
      const first = this.chunks[this.head];
      if (first === undefined || this.held - first.length < this.limit) break;
      this.held -= first.length;
      this.chunks[this.head] = undefined;
      this.head++;
      this.cut = true;
    }
    // Let the array itself shrink now and then, not on every chunk.
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** The last `limit` bytes as UTF-8 text (a character cut at the front is dropped). */
  toString(): string {
    const kept = this.chunks.slice(this.head).filter((c): c is Buffer => c !== undefined);
    const all = Buffer.concat(kept, this.held);
    const tail = all.length > this.limit ? all.subarray(all.length - this.limit) : all;
    let skip = 0;
    if (this.cut || tail.length < all.length) {
      while (skip < 3 && skip < tail.length && ((tail[skip] ?? 0) & 0xc0) === 0x80) skip++;
    }
    return tail.subarray(skip).toString('utf8');
  }
}

/**
 * Runs a program without a shell (arguments are never interpreted), collecting its output: stdout up to
 * `maxOutputBytes`, and the last `maxOutputBytes` of stderr. `onStdoutLine` sees each stdout line as it
 * arrives. Aborting kills the process with `killSignal` (SIGTERM unless told).
 */
export function runProcess(
  program: string,
  args: readonly string[],
  opts: {
    signal?: AbortSignal;
    onStdoutLine?: (line: string) => void;
    maxOutputBytes?: number;
    killSignal?: NodeJS.Signals;
  } = {},
): Promise<ProcessResult> {
  const limit = opts.maxOutputBytes ?? 1_000_000;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: opts.signal,
      ...(opts.killSignal ? { killSignal: opts.killSignal } : {}),
    });
    let stdout = '';
    const stderr = new TailBuffer(limit);
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (stdout.length < limit) stdout += text;
      if (opts.onStdoutLine) {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) opts.onStdoutLine(line);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: stderr.toString() }));
  });
}

/**
 * Writes what a media program said when it failed to the server's log (a process warning on stderr). Its
 * text names server paths and is never put in an API answer; the answer says what failed in plain words.
 */
export function logProcessDetail(what: string, detail: string): void {
  const text = detail.trim();
  if (!text) return;
  process.emitWarning(`${what}: ${text.length > 4000 ? `…${text.slice(-4000)}` : text}`, {
    type: 'ReelayMediaWarning',
  });
}
