import { createClient, type UpstreamFinding, type UpstreamsCheckReport } from '@reelay/client/node';
import type { Command } from 'commander';
import { CliError } from '../admin-client.ts';
import { contextOf } from '../cli-context.ts';
import { table } from '../table.ts';

/** Exit code of a check that found nothing breaking but could not read every upstream it tried. */
export const INCOMPLETE_EXIT = 3;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function findingRows(findings: readonly UpstreamFinding[]): string[][] {
  return findings.map((f) => [
    f.severity,
    f.kind,
    `${f.upstream} ${f.model}`,
    f.endpoint,
    f.field ?? '',
    f.message,
  ]);
}

/** The report as tables: each route's outcome, then its findings (news only with `all`), then what failed. */
export function renderReport(report: UpstreamsCheckReport, all: boolean): string {
  const routes = table(
    ['UPSTREAM', 'MODEL', 'STATUS', 'FINDINGS'],
    report.routes.map((r) => {
      const counts = (['breaking', 'warning', 'info'] as const)
        .map((s) => [s, r.findings.filter((f) => f.severity === s).length] as const)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`);
      const note = r.status === 'checked' ? counts.join(', ') || 'none' : (r.reason ?? '');
      return [r.upstream, r.model, r.status, note];
    }),
  );
  const shown = report.routes.flatMap((r) => r.findings).filter((f) => all || f.severity !== 'info');
  const failed = report.routes.flatMap((r) =>
    r.endpoints
      .filter((e) => e.status === 'failed' || e.price.status === 'unchecked')
      .map((e) => [`${r.upstream} ${r.model}`, e.endpoint, e.error ?? `price: ${e.price.error ?? ''}`]),
  );
  const { breaking, warning, info } = report.counts;
  const parts = [routes];
  if (shown.length > 0) {
    parts.push(table(['SEVERITY', 'KIND', 'ROUTE', 'ENDPOINT', 'FIELD', 'MESSAGE'], findingRows(shown)));
  }
  if (failed.length > 0) parts.push(table(['ROUTE', 'ENDPOINT', 'NOT CHECKED'], failed));
  const hidden = all || info === 0 ? '' : ` (info not shown: --all)`;
  parts.push(
    `${plural(breaking, 'breaking finding')}, ${plural(warning, 'warning')}, ${info} info${hidden}` +
      (report.complete ? '' : '; some endpoints could not be checked'),
  );
  return parts.join('\n\n');
}

/** The operator's commands about the upstream APIs (admin key). */
export function upstreamsCommands(program: Command): void {
  const upstreams = program.command('upstreams').description('operator: the upstream APIs (admin key)');
  upstreams
    .command('check')
    .description(
      "compare each route's mapping with its upstream's published input schema and price; exit 1 on a breaking " +
        `finding, ${INCOMPLETE_EXIT} when none but some upstream could not be read`,
    )
    .option('--model <id...>', 'only these models')
    .option('--upstream <id...>', 'only these upstreams (kling, fal, replicate)')
    .option('--all', 'also list news: values an upstream takes that the mapping never sends')
    .action(async (o: { model?: string[]; upstream?: string[]; all?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const adminKey = ctx.options.adminKey ?? process.env.REELAY_ADMIN_KEY;
      if (!adminKey) throw new CliError('no admin key: pass --admin-key or set REELAY_ADMIN_KEY');
      const client = createClient({ baseUrl: ctx.baseUrl, apiKey: adminKey });
      const report = await client.upstreams.check({
        ...(o.model ? { models: o.model } : {}),
        ...(o.upstream ? { upstreams: o.upstream } : {}),
      });
      ctx.print(report, () => renderReport(report, o.all === true));
      process.exitCode = report.breaking ? 1 : report.complete ? 0 : INCOMPLETE_EXIT;
    });
}
