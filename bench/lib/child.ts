import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A Node process started by a benchmark, with what it reported when it was ready. */
export interface Child<T> {
  pid: number;
  info: T;
  process: ChildProcess;
  /** Resident memory now, in MB, from /proc. */
  rssMb(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Resident memory of a process in MB (VmRSS), 0 when it is gone. */
export function rssMbOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

/** Path of a file in bench/lib, for fork. */
export const libFile = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/**
 * Forks `script` (TypeScript, through tsx) and waits for its first IPC message `{ ready: info }`.
 * `nodeArgs` are extra node flags, e.g. `--cpu-prof`.
 */
export function startChild<T>(
  script: string,
  env: Record<string, string>,
  options: { args?: string[]; nodeArgs?: string[]; timeoutMs?: number } = {},
): Promise<Child<T>> {
  const child = fork(script, options.args ?? [], {
    execArgv: ['--import', 'tsx', ...(options.nodeArgs ?? [])],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} was not ready within ${options.timeoutMs ?? 60_000} ms`));
    }, options.timeoutMs ?? 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready`));
    });
    child.once('message', (message) => {
      clearTimeout(timer);
      const pid = child.pid as number;
      resolve({
        pid,
        info: (message as { ready: T }).ready,
        process: child,
        rssMb: () => rssMbOf(pid),
        async stop(graceMs = 20_000) {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        },
      });
    });
  });
}
