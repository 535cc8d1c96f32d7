import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from './databases.ts';
import { freePort, startProcess } from './processes.ts';

const KEY = 'rl_test_deploydeploydeploy0001';

const exitOf = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

/** docs/deploy.md, run as written: API and worker processes apart on one PostgreSQL. */
describe('API and worker processes on one PostgreSQL (docs/deploy.md)', () => {
  const children: ChildProcess[] = [];
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const step of cleanup.reverse()) await step().catch(() => {});
  });

  it('serves from an API process, works in a worker process, and a SIGTERMed worker hands its work back', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'reelay-deploy-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const pgdb = await createPostgresDatabase();
    cleanup.push(() => pgdb.drop());
    const port = await freePort();
    const env = {
      DATABASE_URL: pgdb.url,
      REELAY_DATA_DIR: dataDir,
      PORT: String(port),
      REELAY_DEV_KEY: KEY,
      REELAY_SHUTDOWN_SECONDS: '2',
    };
    const api = await startProcess(env, 'listening on', ['api']);
    children.push(api);
    const worker = await startProcess({ ...env, REELAY_DEV_ACCOUNT: 'off' }, 'Reelay worker', ['worker']);
    children.push(worker);

    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      // biome-ignore lint/suspicious/noExplicitAny: reads arbitrary JSON answers.
      return { status: r.status, json: (await r.json()) as any };
    };
    const created = await call('POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'handed back on SIGTERM', resolution: '1080p', duration: 10 },
    });
    expect(created.status).toBe(202);
    const id = created.json.id as string;
    for (
      let i = 0;
      i < 400 && (await call('GET', `/api/v1/generations/${id}`)).json.status !== 'running';
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    worker.kill('SIGTERM');
    expect(await exitOf(worker)).toEqual({ code: 0, signal: null });
    const db = new pg.Client({ connectionString: pgdb.url });
    await db.connect();
    cleanup.push(() => db.end());
    const job = await db.query('SELECT locked_by, locked_until FROM jobs WHERE generation_id = $1', [id]);
    // Still to do, and no longer held by the stopped worker: the next worker takes it without waiting.
    expect(job.rows).toEqual([{ locked_by: null, locked_until: null }]);
    expect((await call('GET', `/api/v1/generations/${id}`)).json.status).toBe('running');

    const second = await startProcess({ ...env, REELAY_DEV_ACCOUNT: 'off' }, 'Reelay worker', ['worker']);
    children.push(second);
    let final = await call('GET', `/api/v1/generations/${id}`);
    for (let i = 0; i < 600 && !['succeeded', 'failed', 'canceled'].includes(final.json.status); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      final = await call('GET', `/api/v1/generations/${id}`);
    }
    expect(final.json).toMatchObject({ status: 'succeeded', chargedTokens: 113 });
    const ledger = await db.query('SELECT kind FROM ledger_entries WHERE generation_id = $1 ORDER BY id', [
      id,
    ]);
    expect(ledger.rows.map((r) => r.kind)).toEqual(['hold', 'capture']);

    second.kill('SIGTERM');
    api.kill('SIGTERM');
    expect(await exitOf(second)).toEqual({ code: 0, signal: null });
    expect(await exitOf(api)).toEqual({ code: 0, signal: null });
  });
});
