import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from '../../server/test/harness.ts';
import {
  type PublishedSchemas,
  plantDrift,
  RECORDED_MODELS,
  startPublishedSchemas,
  upstreamSettings,
} from '../../server/test/published-schemas.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const ADMIN = 'cli-upstreams-admin-key-0123456789';
const run = promisify(execFile);

async function reelay(
  t: TestGateway,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions=reelay-source', MAIN, '--url', t.baseUrl, ...args],
      {
        env: { ...process.env, REELAY_ADMIN_KEY: ADMIN },
      },
    );
    return { code: 0, ...r };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const modelArgs = RECORDED_MODELS.flatMap((m) => ['--model', m]);

describe('reelay upstreams check', () => {
  let schemas: PublishedSchemas;
  let t: TestGateway;
  beforeAll(async () => {
    schemas = await startPublishedSchemas();
    t = await startGateway('pglite', { REELAY_ADMIN_KEY: ADMIN, ...upstreamSettings(schemas) });
  });
  afterAll(async () => {
    await t?.stop();
    await schemas?.close();
  });

  it('exits 0 and prints each route when nothing drifted, 3 when an upstream cannot be read', async () => {
    const clean = await reelay(t, 'upstreams', 'check', ...modelArgs);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/kling\s+kling-3\.0\s+skipped\s+Kling publishes no machine-readable schema/);
    expect(clean.stdout).toMatch(/replicate\s+nano-banana\s+checked\s+\d+ info/);
    expect(clean.stdout).toMatch(/0 breaking findings, 0 warnings, \d+ info \(info not shown: --all\)/);
    expect(clean.stdout).not.toContain('SEVERITY');
    const all = await reelay(t, 'upstreams', 'check', '--model', 'nano-banana', '--upstream', 'fal', '--all');
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/info\s+enum_changed\s+fal nano-banana\s+fal-ai\/nano-banana\s+aspect_ratio/);

    schemas.failing.set('google/nano-banana', 502);
    try {
      const failing = await reelay(t, 'upstreams', 'check', '--model', 'nano-banana');
      expect(failing.code).toBe(3);
      expect(failing.stdout).toMatch(/replicate\s+nano-banana\s+incomplete/);
      expect(failing.stdout).toMatch(/google\/nano-banana\s+.*answered HTTP 502/);
      expect(failing.stdout).toContain('some endpoints could not be checked');
    } finally {
      schemas.failing.clear();
    }
  });

  it('exits 1 on the planted drift, lists the findings, and prints the report with --json', async () => {
    plantDrift(schemas);
    const drift = await reelay(t, 'upstreams', 'check', ...modelArgs);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(
      /breaking\s+field_removed\s+fal nano-banana\s+fal-ai\/nano-banana\s+output_format/,
    );
    expect(drift.stdout).toMatch(
      /breaking\s+required_missing\s+fal veo-3\.1-lite\s+fal-ai\/veo3\.1\/lite\s+safety_tolerance/,
    );
    expect(drift.stdout).toMatch(
      /breaking\s+enum_changed\s+replicate nano-banana\s+google\/nano-banana\s+output_format/,
    );
    expect(drift.stdout).toMatch(
      /warning\s+price_changed\s+fal kling-3\.0\s+fal-ai\/kling-video\/v3\/standard\/text-to-video/,
    );
    expect(drift.stdout).toMatch(/3 breaking findings, 1 warning,/);
    const json = await reelay(t, 'upstreams', 'check', '--json', ...modelArgs);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ breaking: true, counts: { breaking: 3, warning: 1 } });
  });

  it('names the field of a malformed scope, and needs the admin key', async () => {
    const bad = await reelay(t, 'upstreams', 'check', '--model', 'no-such-model');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/models names no-such-model/);
    const wrongKey = await reelay(t, '--admin-key', 'not-the-admin-key-0123456789', 'upstreams', 'check');
    expect(wrongKey.code).toBe(2);
  });
});
