import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startProcess } from './processes.ts';

const KEY = 'rl_test_restartrestartrestart01';

// Two gateway processes and a 10-second 1080p render: minutes, not seconds, on a busy machine.
describe('a killed gateway loses nothing', { timeout: 240_000 }, () => {
  const children: ChildProcess[] = [];
  let dataDir = '';
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('resumes a running generation after kill -9 and charges it once', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reelay-restart-'));
    const port = await freePort();
    const env = {
      REELAY_DATA_DIR: dataDir,
      PORT: String(port),
      REELAY_DEV_KEY: KEY,
      REELAY_LEASE_SECONDS: '5',
    };
    const base = `http://127.0.0.1:${port}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return {
        status: r.status,
        json: (await r.json()) as Record<string, unknown> & { tokens?: Record<string, number> },
      };
    };

    const first = await startProcess(env, KEY);
    children.push(first);
    const created = await call('POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'survives a crash', resolution: '1080p', duration: 10 },
    });
    expect(created.status).toBe(202);
    const id = created.json.id as string;
    for (let i = 0; i < 200; i++) {
      if ((await call('GET', `/api/v1/generations/${id}`)).json.status === 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    const second = await startProcess(env, KEY);
    children.push(second);
    const seen = await call('GET', `/api/v1/generations/${id}`);
    expect(seen.status).toBe(200);
    expect(['queued', 'running', 'succeeded']).toContain(seen.json.status);
    let final = seen;
    for (
      let i = 0;
      i < 600 && !['succeeded', 'failed', 'canceled'].includes(final.json.status as string);
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      final = await call('GET', `/api/v1/generations/${id}`);
    }
    expect(final.json.status).toBe('succeeded');
    expect(final.json.chargedTokens).toBe(113);
    const account = await call('GET', '/api/v1/account');
    expect(account.json.tokens).toEqual({ balance: 10_000 - 113, held: 0, available: 10_000 - 113 });
  });
});
