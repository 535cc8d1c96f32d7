import {
  ConnectionError,
  createClient,
  type ReelayClient,
  ReelayError,
  ValidationError,
} from '@reelay/client/node';
import type { Command } from 'commander';
import { CliError } from './admin-client.ts';

/** The options every command takes. */
export interface GlobalOptions {
  url?: string;
  apiKey?: string;
  adminKey?: string;
  json?: boolean;
}

/** What a command needs: the client, the options, and how to print. */
export interface CliContext {
  options: GlobalOptions;
  baseUrl: string;
  client(): ReelayClient;
  /** Prints `value` as JSON with --json, else `text` (a string or a function making it). */
  print(value: unknown, text: string | (() => string)): void;
}

/** The context of `command`, from its options and the environment. */
export function contextOf(command: Command): CliContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  const baseUrl = options.url ?? process.env.REELAY_URL ?? 'http://localhost:8080';
  return {
    options,
    baseUrl,
    client: () =>
      createClient({
        baseUrl,
        ...((options.apiKey ?? process.env.REELAY_API_KEY)
          ? { apiKey: options.apiKey ?? process.env.REELAY_API_KEY }
          : {}),
      }),
    print(value, text) {
      process.stdout.write(
        options.json
          ? `${JSON.stringify(value, null, 2)}\n`
          : `${typeof text === 'string' ? text : text()}\n`,
      );
    },
  };
}

/**
 * An error as JSON for `--json`: the API's `{ error: { status, code, message, param, details, requestId } }`, or
 * `{ error: { code: 'usage' | 'connection' | 'internal', message } }` for what failed before or outside the API.
 */
export function errorJson(error: unknown): { error: Record<string, unknown> } {
  if (error instanceof ReelayError) {
    const out: Record<string, unknown> = { status: error.status, code: error.code, message: error.message };
    if (error.param) out.param = error.param;
    if (error instanceof ValidationError) out.details = error.details;
    if (error.requestId) out.requestId = error.requestId;
    return { error: out };
  }
  if (error instanceof CliError) return { error: { code: 'usage', message: error.message } };
  if (error instanceof ConnectionError) return { error: { code: 'connection', message: error.message } };
  return { error: { code: 'internal', message: String((error as Error)?.message ?? error) } };
}

/** An SDK error as the lines a person reads: status, message, and each bad field. */
export function describeError(error: unknown): { message: string; userError: boolean } {
  if (error instanceof CliError) return { message: error.message, userError: true };
  if (error instanceof ValidationError) {
    const lines = error.details.map((d) => `  ${d.param}: ${d.message}`);
    return { message: [`${error.status} ${error.message}`, ...lines].join('\n'), userError: true };
  }
  if (error instanceof ReelayError) {
    const field = error.param ? ` (${error.param})` : '';
    return {
      message: `${error.status} ${error.code}${field}: ${error.message}`,
      userError: error.status < 500,
    };
  }
  if (error instanceof ConnectionError) return { message: error.message, userError: true };
  return { message: String((error as Error)?.stack ?? error), userError: false };
}
