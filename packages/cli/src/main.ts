#!/usr/bin/env node
import { CommanderError } from 'commander';
import { describeError, errorJson } from './cli-context.ts';
import { buildProgram } from './program.ts';

/** Exit codes: 0 done, 2 the request or the command line was wrong, 1 anything else. */
async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp();
    return;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message (or the help) already.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const { message, userError } = describeError(error);
    // With --json, scripts read the error as JSON too (on stderr, so stdout holds only answers).
    if (program.opts().json) process.stderr.write(`${JSON.stringify(errorJson(error), null, 2)}\n`);
    else process.stderr.write(`reelay: ${message}\n`);
    process.exitCode = userError ? 2 : 1;
  }
}

await main(process.argv.slice(2));
