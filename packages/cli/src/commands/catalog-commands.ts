import type { Locale, ModelDescription, ModelField, ModelSummary } from '@reelay/client/node';
import type { Command } from 'commander';
import { buildInput } from '../build-input.ts';
import { contextOf } from '../cli-context.ts';
import { table } from '../table.ts';
import { inputOptions } from './input-options.ts';

const price = (m: ModelSummary) =>
  m.fromTokensPerSecond !== undefined
    ? `from ${m.fromTokensPerSecond}/s`
    : m.fromTokens !== undefined
      ? `from ${m.fromTokens}`
      : '';

/** A model's lifecycle in a few words: `deprecated (until 2027-03-01, use kling-3.0)`, `retired`, or `active`. */
export function lifecycleText(m: ModelSummary): string {
  const l = m.lifecycle;
  const more = [
    ...(l.status === 'deprecated' && l.shutdownAt ? [`until ${l.shutdownAt}`] : []),
    ...(l.status !== 'active' && l.replacement ? [`use ${l.replacement}`] : []),
  ];
  return more.length > 0 ? `${l.status} (${more.join(', ')})` : l.status;
}

/** What a field accepts, in a few words. */
export function allowed(f: ModelField): string {
  if (f.enum) return f.enum.join(' | ');
  if (f.type === 'number')
    return `${f.minimum}–${f.maximum}${f.step && f.step !== 1 ? ` step ${f.step}` : ''}${f.unit ? ` ${f.unit}` : ''}`;
  if (f.media)
    return `${f.media.kind}${f.media.maxItems ? ` ×${f.media.maxItems}` : ''} (${f.media.schemes.join(', ')})`;
  if (f.maxLength !== undefined) return `≤ ${f.maxLength} chars`;
  return f.type;
}

function describe(m: ModelDescription): string {
  const fields = table(
    ['field', 'type', 'required', 'default', 'allowed', 'description'],
    m.fields.map((f) => [
      f.name,
      f.type,
      f.required ? 'yes' : '',
      f.default === null || f.default === undefined ? '' : JSON.stringify(f.default),
      allowed(f),
      f.description,
    ]),
  );
  const prices = table(
    ['variant', 'price', 'label'],
    m.pricing.map((p) => [
      p.variant,
      p.tokensPerSecond !== undefined ? `${p.tokensPerSecond} tokens/s` : `${p.tokens} tokens`,
      `${p.label}${p.default ? ' (default)' : ''}`,
    ]),
  );
  const status = m.lifecycle.status === 'active' ? '' : `\nstatus: ${lifecycleText(m)}`;
  return `${m.id} — ${m.title} (${m.type}, ${m.provider})\n${m.description}${status}\n\nmodes: ${m.modes.join(', ')}\n\n${fields}\n\n${prices}`;
}

interface ModelsOptions {
  type?: 'video' | 'image' | 'audio';
  /** Passed to the API as is; it refuses a language it does not speak, naming `locale`. */
  locale?: Locale;
}

/** `reelay models [id]` and `reelay quote`. */
export function catalogCommands(program: Command): void {
  program
    .command('models [id]')
    .description('list the catalog (models, or models list), or show one model: its fields table and prices')
    .option(
      '--type <type>',
      'only models of this type: video or image (audio is accepted; the catalog has none yet)',
    )
    .option('--locale <locale>', 'language of descriptions and labels: en (default), es or ru')
    .action(async (id: string | undefined, o: ModelsOptions, command: Command) => {
      const ctx = contextOf(command);
      const locale = o.locale ? { locale: o.locale } : {};
      if (id && id !== 'list') {
        const m = await ctx.client().models.get(id, locale);
        ctx.print(m, () => describe(m));
        return;
      }
      const list = await ctx.client().models.list({ ...(o.type ? { type: o.type } : {}), ...locale });
      ctx.print({ data: list }, () =>
        table(
          ['model', 'type', 'price (tokens)', 'status', 'title'],
          list.map((m) => [m.id, m.type, price(m), lifecycleText(m), m.title]),
        ),
      );
    });

  inputOptions(
    program
      .command('quote <model>')
      .description('what a request would cost, without running it (local files are uploaded first)'),
  ).action(async (modelId: string, o, command: Command) => {
    const ctx = contextOf(command);
    const client = ctx.client();
    const model = await client.models.get(modelId);
    const input = await buildInput(client, model, o);
    const q = await client.quotes.create({ type: model.type, model: model.id, input });
    ctx.print(q, () => {
      const per = q.tokensPerSecond !== undefined ? ` (${q.tokensPerSecond}/s × ${q.seconds} s)` : '';
      return `${q.model} ${q.mode} ${q.variant}: ${q.tokens} tokens${per}`;
    });
  });
}
