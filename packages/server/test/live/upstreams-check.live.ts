import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createGuardedFetch } from '../../src/net/guarded-fetch.ts';
import { UpstreamsCheck } from '../../src/upstream-check/upstreams-check.ts';

/**
 * `reelay upstreams check` against the real upstreams: every fal and Replicate route's mapping compared with the
 * schema the upstream publishes today, read through the guarded fetch. It fails when an endpoint cannot be read or
 * a finding is breaking (the findings are in the failure message), and loudly when an upstream's credentials are
 * missing; REELAY_LIVE_PROVIDERS (e.g. "fal") limits which upstreams run. Reading schemas and prices costs nothing.
 */
const REQUIRED: Record<string, string> = { fal: 'REELAY_FAL_KEY', replicate: 'REELAY_REPLICATE_API_TOKEN' };
const selected = (process.env.REELAY_LIVE_PROVIDERS ?? 'kling,fal,replicate').split(',').map((s) => s.trim());

describe('live upstreams check (reads published schemas)', () => {
  const outbound = createGuardedFetch({});
  afterAll(() => outbound.close());

  for (const id of selected.filter((s) => s !== 'kling')) {
    it(`${id}: every route's mapping matches the schema ${id} publishes`, async () => {
      const name = REQUIRED[id];
      if (!name) throw new Error(`REELAY_LIVE_PROVIDERS names an unknown upstream "${id}"`);
      if (!process.env[name]?.trim()) {
        throw new Error(`LIVE UPSTREAMS CHECK FOR ${id.toUpperCase()} CANNOT RUN: ${name} not set`);
      }
      const config = loadConfig(process.env);
      const check = new UpstreamsCheck({
        upstreams: config.upstreams,
        fetch: outbound as typeof fetch,
        now: Date.now,
      });
      const report = await check.run({ upstreams: [id] });
      const lines = report.routes.flatMap((r) => [
        ...r.endpoints.filter((e) => e.status === 'failed').map((e) => `not read: ${e.endpoint}: ${e.error}`),
        ...r.findings
          .filter((f) => f.severity !== 'info')
          .map((f) => `${f.severity} ${f.kind} ${r.model} ${f.endpoint} ${f.field ?? ''}: ${f.message}`),
      ]);
      for (const r of report.routes) {
        for (const e of r.endpoints) {
          console.log(`${id} ${r.model} ${e.endpoint}: schema ${e.status}, price ${e.price.status}`);
        }
      }
      expect(report.routes.length).toBeGreaterThan(0);
      expect(report.routes.every((r) => r.status !== 'skipped')).toBe(true);
      expect(lines, lines.join('\n')).toEqual(lines.filter((l) => l.startsWith('warning')));
    });
  }

  if (selected.includes('kling')) {
    it('kling: skipped, as Kling publishes no machine-readable schema', async () => {
      const check = new UpstreamsCheck({
        upstreams: loadConfig(process.env).upstreams,
        fetch: outbound as typeof fetch,
        now: Date.now,
      });
      const report = await check.run({ upstreams: ['kling'] });
      expect(report.routes.length).toBeGreaterThan(0);
      for (const r of report.routes) expect(r.reason).toMatch(/no machine-readable schema/);
    });
  }
});
