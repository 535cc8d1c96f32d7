import type { Generation, GenerationStatus, ReelayClient } from '@reelay/client/node';
import type { Command } from 'commander';
import { CliError } from '../admin-client.ts';
import { buildInput } from '../build-input.ts';
import { type CliContext, contextOf } from '../cli-context.ts';
import { fromCaller } from '../local-files.ts';
import { formatBytes, ProgressBar } from '../progress-bar.ts';
import { table } from '../table.ts';
import { inputOptions } from './input-options.ts';

/**
 * What a generation costs as far as is known: what was charged; nothing for one that failed or was canceled
 * uncharged; at most its quote (held) while it runs.
 */
export const costOf = (g: Generation): string =>
  g.chargedTokens !== null
    ? String(g.chargedTokens)
    : g.status === 'failed' || g.status === 'canceled'
      ? '0'
      : `≤ ${g.quote.tokens}`;

const summary = (g: Generation) => {
  const outputs = g.outputs.map((o) => `\n  ${o.uri} ${o.mediaType} ${formatBytes(o.bytes)}`).join('');
  const error = g.error ? `\n  ${g.error.code}: ${g.error.message}` : '';
  return `${g.id} ${g.status} — ${g.model} ${g.mode} ${g.variant}, ${costOf(g)} tokens${outputs}${error}`;
};

/** Waits with a progress bar, then downloads the first output to `out` (from the caller's folder) with another. */
async function follow(client: ReelayClient, ctx: CliContext, created: Generation, out: string | undefined) {
  const bar = new ProgressBar(`${created.id}`);
  const done = await client.generations.wait(created.id, {
    onProgress: (p) => bar.update(p.status === 'succeeded' ? 1 : p.progress, p.status),
  });
  bar.done();
  if (done.status !== 'succeeded') {
    const why = done.error ? `${done.error.code}: ${done.error.message}` : done.status;
    if (ctx.options.json) ctx.print(done, '');
    throw new CliError(`${done.id} ${done.status}: ${why}`);
  }
  const output = done.outputs[0];
  if (out && output) {
    const download = new ProgressBar(`download ${out}`, process.stderr, { logDetail: false });
    await client.assets.downloadTo(output.uri, fromCaller(out), {
      onProgress: (p) => download.update(p.total ? p.loaded / p.total : null, formatBytes(p.loaded)),
    });
    download.done(`${formatBytes(output.bytes)} ${output.mediaType}`);
  }
  return done;
}

/** `reelay generate` and `reelay generations list|get|cancel|delete`. */
export function generationCommands(program: Command): void {
  inputOptions(
    program
      .command('generate <model>')
      .description(
        'create a generation (local files are uploaded first); --wait follows it, --out downloads it',
      ),
  )
    .option('--wait', 'wait until it has finished, with a progress bar')
    .option('--out <file>', 'download the output here (implies --wait)')
    .option('--idempotency-key <key>', 'the same key and request give back the same generation')
    .option('--webhook-url <url>', 'an https URL told of every state change')
    .option(
      '--retention <duration>',
      'how long its outputs and stored inputs are kept: seconds or an ISO-8601 duration such as P7D or PT12H',
    )
    .option('--no-provenance', 'store the outputs without a C2PA manifest (where the gateway allows it)')
    .action(async (modelId: string, o, command: Command) => {
      const ctx = contextOf(command);
      const client = ctx.client();
      const model = await client.models.get(modelId);
      const input = await buildInput(client, model, o);
      const created = await client.generations.create(
        {
          type: model.type,
          model: model.id,
          input,
          ...(o.webhookUrl ? { webhookUrl: o.webhookUrl } : {}),
          // Digits alone are seconds; anything else goes as written, for the gateway to check.
          ...(o.retention
            ? { retention: /^\d+$/.test(o.retention) ? Number(o.retention) : o.retention }
            : {}),
          ...(o.provenance === false ? { provenance: false } : {}),
        },
        o.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {},
      );
      if (!o.wait && !o.out) {
        ctx.print(created, () => summary(created));
        return;
      }
      if (!ctx.options.json) process.stderr.write(`${summary(created)}\n`);
      const done = await follow(client, ctx, created, o.out);
      ctx.print(done, () => `${summary(done)}${o.out ? `\nsaved ${o.out}` : ''}`);
    });

  const generations = program.command('generations').description('list, show, cancel and delete generations');
  generations
    .command('list')
    .description('your generations, newest first')
    .option('--status <status>', 'only queued, running, succeeded, failed or canceled')
    .option('--model <model>', 'only this model')
    .option('--limit <n>', 'how many (default 20)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new CliError(`--limit must be a whole number above 0; got "${v}"`);
      return n;
    })
    .action(async (o: { status?: GenerationStatus; model?: string; limit?: number }, command: Command) => {
      const ctx = contextOf(command);
      const limit = o.limit ?? 20;
      const data: Generation[] = [];
      const list = ctx.client().generations.list({ ...o, limit: Math.min(limit, 100) });
      for await (const g of list) {
        data.push(g);
        if (data.length >= limit) break;
      }
      ctx.print({ data }, () =>
        data.length === 0
          ? 'no generations'
          : table(
              ['id', 'status', 'model', 'variant', 'tokens', 'created'],
              data.map((g) => [g.id, g.status, g.model, g.variant, costOf(g), g.createdAt]),
            ),
      );
    });
  generations
    .command('get <id>')
    .description('one generation, with its outputs')
    .action(async (id: string, _o, command: Command) => {
      const ctx = contextOf(command);
      const g = await ctx.client().generations.get(id);
      ctx.print(g, () => summary(g));
    });
  generations
    .command('cancel <id>')
    .description('cancel a queued or running generation; its tokens are released')
    .action(async (id: string, _o, command: Command) => {
      const ctx = contextOf(command);
      const g = await ctx.client().generations.cancel(id);
      ctx.print(g, () => summary(g));
    });
  generations
    .command('delete <id>')
    .description(
      'delete a finished generation’s outputs and the inputs only it used (the record and the ledger stay)',
    )
    .action(async (id: string, _o, command: Command) => {
      const ctx = contextOf(command);
      const g = await ctx.client().generations.delete(id);
      ctx.print(
        g,
        () => `${summary(g)}
  media deleted at ${g.mediaDeletedAt ?? '?'}`,
      );
    });
}
