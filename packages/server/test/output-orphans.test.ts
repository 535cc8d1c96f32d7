import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startProcess } from './processes.ts';

const KEY = 'rl_test_orphansorphansorphans01';

/** Every file under `dir` (relative paths), skipping dot folders; none when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((path) => !path.split('/').some((part) => part.startsWith('.')))
    .sort();
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

describe('a worker killed between storing an output and recording it', () => {
  const children: ChildProcess[] = [];
  let dataDir = '';
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('leaves a file no row names, which the sweeper collects; the generation succeeds once', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reelay-orphans-'));
    const port = await freePort();
    const env = {
      REELAY_DATA_DIR: dataDir,
      PORT: String(port),
      REELAY_DEV_KEY: KEY,
      REELAY_LEASE_SECONDS: '5',
      REELAY_WORKER_POLL_MS: '100',
    };
    const base = `http://127.0.0.1:${port}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    };

    const first = await startProcess({ ...env, REELAY_TEST_FAULTS: 'exit-after-output-stored' }, KEY);
    children.push(first);
    const created = await call('POST', '/api/v1/generations', {
      type: 'image',
      model: 'nano-banana',
      input: { prompt: 'stored, then killed' },
    });
    expect(created.status).toBe(202);
    const id = created.json.id as string;
    await exited(first);
    expect(first.signalCode).toBe('SIGKILL');

    // The output went into storage (its thumbnail is made only when asked for), and no row names it: the
    // generation is not succeeded.
    const storage = join(dataDir, 'storage');
    const orphans = await filesUnder(storage);
    expect(orphans).toHaveLength(1);

    const second = await startProcess(
      { ...env, REELAY_ORPHAN_GRACE_SECONDS: '1', REELAY_ASSET_SWEEP_SECONDS: '1' },
      KEY,
    );
    children.push(second);
    let final = await call('GET', `/api/v1/generations/${id}`);
    expect(final.json.status).not.toBe('succeeded');
    for (let i = 0; i < 300 && final.json.status !== 'succeeded' && final.json.status !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      final = await call('GET', `/api/v1/generations/${id}`);
    }
    expect(final.json.status).toBe('succeeded');
    const outputs = final.json.outputs as { uri: string }[];
    expect(outputs).toHaveLength(1);

    // Within a few sweeps only the output the generation names is left, and nothing in the renders folder.
    const named = outputs[0]?.uri.replace('asset://', '') ?? '';
    let left: string[] = [];
    for (let i = 0; i < 100; i++) {
      left = await filesUnder(storage);
      if (left.length === 1 && !orphans.some((f) => left.includes(f))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(left).toHaveLength(1);
    for (const file of left) expect(file).toContain(named);
    for (const orphan of orphans) expect(left).not.toContain(orphan);
    expect(await filesUnder(join(dataDir, 'renders'))).toEqual([]);
    const ledger = await call('GET', '/api/v1/account');
    const tokens = ledger.json.tokens as { held: number; balance: number };
    expect(tokens.held).toBe(0);
    expect(10_000 - tokens.balance).toBe(final.json.chargedTokens);
  }, 90_000);
});
