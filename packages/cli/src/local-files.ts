import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError } from './admin-client.ts';

/**
 * The folder the command was given in. That is the process's own, except under the repository's `npm run reelay`:
 * npm runs a script in the package's folder and keeps the caller's in `INIT_CWD`.
 */
export function callerFolder(env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_lifecycle_event === 'reelay' && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/** A path from the command line, resolved against the caller's folder (an absolute path stays as it is). */
export function fromCaller(file: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(callerFolder(env), file);
}

/** The usage error for a path that is no readable file, naming it as the user wrote it. */
export function notReadable(file: string, error: NodeJS.ErrnoException): CliError | undefined {
  const notFile = error instanceof TypeError && error.message.endsWith('is not a file');
  if (['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'EPERM'].includes(error.code ?? '') || notFile)
    return new CliError(`${file}: not a readable file (${error.code ?? error.message})`);
  return undefined;
}

/**
 * The absolute path of a file named on the command line, checked before anything is sent: a missing, unreadable
 * or non-file path is a usage error naming it (exit code 2), whether the gateway is up or not.
 */
export async function readableFile(file: string): Promise<string> {
  const path = fromCaller(file);
  try {
    if (!(await stat(path)).isFile())
      throw Object.assign(new Error(`${path} is a folder`), { code: 'EISDIR' });
    await access(path, constants.R_OK);
  } catch (error) {
    throw notReadable(file, error as NodeJS.ErrnoException) ?? error;
  }
  return path;
}
