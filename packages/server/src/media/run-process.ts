import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program without a shell (arguments are never interpreted), collecting its output.
 * `onStdoutLine` sees each stdout line as it arrives. Aborting kills the process.
 */
export function runProcess(
  program: string,
  args: readonly string[],
  opts: { signal?: AbortSignal; onStdoutLine?: (line: string) => void; maxOutputBytes?: number } = {},
): Promise<ProcessResult> {
  const limit = opts.maxOutputBytes ?? 1_000_000;
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
    let stdout = '';
    let stderr = '';
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
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-limit);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
