/** Where progress goes: a terminal (redrawn in place) or a log (one line per visible step). */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const WIDTH = 24;

export interface ProgressOptions {
  /**
   * Whether a log gets a line when only the detail changes (a status: yes, the default; a byte count that
   * changes with every chunk: no, a line per quarter is enough).
   */
  logDetail?: boolean;
}

/** A progress bar on stderr: `label [#######·········] 42% detail`; redrawn in a terminal, stepwise in a log. */
export class ProgressBar {
  private lastLine = '';
  private lastStep = -1;
  private lastDetail = '';

  constructor(
    private readonly label: string,
    private readonly out: ProgressOutput = process.stderr,
    private readonly options: ProgressOptions = {},
  ) {}

  /** `fraction` 0–1, or null when unknown (the bar shows only the detail). */
  update(fraction: number | null, detail = ''): void {
    const f = fraction === null ? null : Math.min(1, Math.max(0, fraction));
    const line = this.compose(f, detail);
    if (line === this.lastLine) return;
    if (this.out.isTTY) {
      this.out.write(`\r${line.slice(0, (this.out.columns ?? 100) - 1).padEnd(this.lastLine.length)}`);
    } else {
      // In a log, a line per quarter (and per new detail, where the detail is a status) is enough.
      const step = f === null ? -1 : Math.floor(f * 4);
      const newDetail = detail !== this.lastDetail && (this.options.logDetail ?? true);
      if (step === this.lastStep && !newDetail && this.lastLine !== '') return;
      this.lastStep = step;
      this.out.write(`${line}\n`);
    }
    this.lastDetail = detail;
    this.lastLine = line;
  }

  /** Ends the bar's line; a final detail is always shown. */
  done(detail?: string): void {
    if (detail !== undefined) {
      const line = this.compose(1, detail);
      if (this.out.isTTY) this.update(1, detail);
      else if (line !== this.lastLine) this.out.write(`${line}\n`);
      this.lastLine = line;
    }
    if (this.out.isTTY && this.lastLine) this.out.write('\n');
  }

  private compose(f: number | null, detail: string): string {
    const bar =
      f === null
        ? ''
        : ` [${'#'.repeat(Math.round(f * WIDTH)).padEnd(WIDTH, '·')}] ${String(Math.floor(f * 100)).padStart(3)}%`;
    return `${this.label}${bar}${detail ? ` ${detail}` : ''}`;
  }
}

/** `1.2 MB` from bytes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let n = bytes / 1024;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}
