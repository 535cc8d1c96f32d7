import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

function runServer(role: 'all' | 'worker'): void {
  const main = fileURLToPath(new URL('../../../server/src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', main, role], { stdio: 'inherit' });
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
