import { Command, type OutputConfiguration } from 'commander';
import { adminCommands } from './commands/admin-commands.ts';
import { assetsCommands } from './commands/assets-commands.ts';
import { catalogCommands } from './commands/catalog-commands.ts';
import { generationCommands } from './commands/generation-commands.ts';
import { serverCommands } from './commands/server-commands.ts';
import { upstreamsCommands } from './commands/upstreams-commands.ts';

/** The `reelay` command tree; every command has --help and --json. `output` redirects what commander prints. */
export function buildProgram(output?: OutputConfiguration): Command {
  const program = new Command('reelay')
    .description('Run a Reelay gateway, call it, and administer it')
    .option('--url <url>', 'the gateway (default $REELAY_URL or http://localhost:8080)')
    .option('--api-key <key>', 'an API key (default $REELAY_API_KEY)')
    .option(
      '--admin-key <key>',
      'the operator key, for accounts/keys/tokens/upstreams (default $REELAY_ADMIN_KEY)',
    )
    .option('--json', 'print the API’s JSON answer, for scripts')
    .showHelpAfterError('(see reelay --help)')
    .exitOverride();
  serverCommands(program);
  catalogCommands(program);
  generationCommands(program);
  assetsCommands(program);
  adminCommands(program);
  upstreamsCommands(program);
  // Settings made after a subcommand exists are not inherited, so they are applied to the whole tree here.
  const apply = (c: Command, path: string) => {
    c.exitOverride();
    if (output) c.configureOutput(output);
    if (path) c.showHelpAfterError(`(see reelay ${path} --help)`);
    for (const sub of c.commands) apply(sub, `${path} ${sub.name()}`.trim());
  };
  apply(program, '');
  return program;
}
