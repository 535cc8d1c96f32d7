import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Raised when another live process holds the data folder. */
export class DirLockedError extends Error {
  override name = 'DirLockedError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dir>/reelay.lock` for this process. A lock left by a dead process is taken over,
 * so a killed gateway restarts cleanly. Returns the release function.
 */
export async function acquireDirLock(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'reelay.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new DirLockedError(
          `${dir} is in use by process ${holder}. The embedded database serves one process; ` +
            'set DATABASE_URL to a PostgreSQL server to run several.',
        );
      }
      await rm(path, { force: true });
    }
  }
  throw new DirLockedError(`could not lock ${dir}`);
}
