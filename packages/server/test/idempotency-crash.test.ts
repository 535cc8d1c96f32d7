import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from './databases.ts';
import { freePort, startProcess } from './processes.ts';

const KEY = 'rl_test_idemcrashidemcrash0001';
const LEASE_MS = 3000;

// An API process dies while it holds an Idempotency-Key (its create committed, its answer never sent): the
// client's retry must get that generation once the key's lease lapses, not a 409 for minutes.
describe('an Idempotency-Key whose process died', () => {
  const children: ChildProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const cleanup of cleanups) await cleanup();
  });

  it('is taken over after its lease, and the retry is answered with the generation the first request made', async () => {
    const pgdb = await createPostgresDatabase();
    cleanups.push(pgdb.drop);
    const dataDir = await mkdtemp(join(tmpdir(), 'reelay-idem-crash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const env = {
      DATABASE_URL: pgdb.url,
      REELAY_DATA_DIR: dataDir,
      PORT: String(port),
      REELAY_DEV_KEY: KEY,
      REELAY_IDEMPOTENCY_LEASE_MS: String(LEASE_MS),
    };
    const base = `http://127.0.0.1:${port}`;
    const headers = {
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/json',
      'idempotency-key': 'order-7781',
    };
    const body = JSON.stringify({
      type: 'image',
      model: 'nano-banana',
      input: { prompt: 'a lighthouse at dusk' },
    });
    const get = async (path: string) =>
      (await (await fetch(`${base}${path}`, { headers })).json()) as Record<string, unknown>;

    // The API process alone: no worker, so the generation stays queued and `Prefer: wait` keeps the request open.
    const first = await startProcess(env, KEY, ['api']);
    children.push(first);
    const pending = fetch(`${base}/api/v1/generations`, {
      method: 'POST',
      headers: { ...headers, prefer: 'wait=60' },
      body,
    }).catch((error: unknown) => error);
    let id: string | undefined;
    for (let i = 0; i < 400 && !id; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      id = ((await get('/api/v1/generations')).data as { id: string }[])[0]?.id;
    }
    expect(id).toMatch(/^gen_/);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(await pending).toBeInstanceOf(Error);

    const second = await startProcess(env, KEY, ['api']);
    children.push(second);
    // At once: the key is still held by the dead request's lease; the answer says how long to wait.
    const early = await fetch(`${base}/api/v1/generations`, { method: 'POST', headers, body });
    const wait = Number(early.headers.get('retry-after'));
    if (early.status === 409) {
      expect(((await early.json()) as { error: { code: string } }).error.code).toBe('conflict');
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(LEASE_MS / 1000);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 200));
    } else {
      expect(early.status).toBe(202);
    }
    const retried =
      early.status === 409
        ? await fetch(`${base}/api/v1/generations`, { method: 'POST', headers, body })
        : early;
    expect(retried.status).toBe(202);
    const generation = (await retried.json()) as { id: string; quote: { tokens: number } };
    expect(generation.id).toBe(id);

    // One generation, one hold.
    expect((await get('/api/v1/generations')).data).toHaveLength(1);
    const account = (await get('/api/v1/account')) as { tokens: { held: number } };
    expect(account.tokens.held).toBe(generation.quote.tokens);
    // The answer is now kept: the next retry is a replay.
    const replay = await fetch(`${base}/api/v1/generations`, { method: 'POST', headers, body });
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });
});
