import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../admin-client.ts';

/** How to get a gateway when this CLI finds none. */
const HOW_TO_RUN =
  'install @reelay/server beside @reelay/cli, or run the gateway from a Reelay checkout (npm ci, then npm start)';

/**
 * The gateway's compiled main (`@reelay/server`'s `dist/main.js`), found the way an import of it would be: from
 * this package, so it is the one installed beside the CLI (in the repository, the workspace's).
 */
export function serverMain(resolveModule: (specifier: string) => string = import.meta.resolve): string {
  let main: string;
  try {
    main = fileURLToPath(resolveModule('@reelay/server/main'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    throw new CliError(`the gateway (package @reelay/server) is not installed here: ${HOW_TO_RUN}`);
  }
  if (!existsSync(main))
    throw new CliError(
      `the gateway is not built: ${main} is missing; run npm run build in the Reelay checkout`,
    );
  return main;
}

/**
 * Runs the gateway with plain node in this terminal, passing signals on and exiting with its code. As `npm start`
 * does, it sets glibc's malloc up for a long-running process unless the caller did (docs/deploy.md, "Memory").
 */
function runServer(role: 'all' | 'worker'): void {
  const env = {
    ...process.env,
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '262144',
  };
  const child = spawn(process.execPath, ['--enable-source-maps', serverMain(), role], {
    stdio: 'inherit',
    env,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 1));
}

/** `reelay serve` and `reelay worker`: the gateway in this terminal. */
export function serverCommands(program: Command): void {
  program
    .command('serve')
    .description('run the API and a worker (same as npm start); configured by environment variables')
    .action(() => runServer('all'));
  program
    .command('worker')
    .description('run a worker alone (needs DATABASE_URL)')
    .action(() => runServer('worker'));
}
