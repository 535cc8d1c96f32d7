import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Json } from '@reelay/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBase62 } from '../src/ids.ts';
import type { Provider, ProviderStatus, StartCall } from '../src/providers/provider.ts';
import { makePng, startGateway, type TestGateway, waitForFinal } from './harness.ts';

/**
 * Stands in for the local renderer: a generation whose prompt is `pending N` answers pending N times, each time
 * asking to be asked again in 150 ms, then succeeds with a prepared PNG; any other succeeds at its first look.
 */
class CountdownProvider implements Provider {
  readonly id = 'local';
  private readonly looks = new Map<string, number>();

  constructor(
    private readonly outputFile: string,
    private readonly workDir: string,
  ) {}

  async start(call: StartCall) {
    const pending = /^pending (\d+)$/.exec(String(call.input.prompt ?? ''));
    return {
      operation: { generationId: call.generationId, pending: Number(pending?.[1] ?? 0) },
      warnings: [],
    };
  }

  async status(call: { operation: Json }): Promise<ProviderStatus> {
    const { generationId, pending } = call.operation as { generationId: string; pending: number };
    const looks = (this.looks.get(generationId) ?? 0) + 1;
    this.looks.set(generationId, looks);
    if (looks <= pending) return { state: 'pending', askAgainMs: 150 };
    const folder = join(this.workDir, `countdown-${generationId}-${randomBase62(8)}`);
    await mkdir(folder, { recursive: true });
    const path = join(folder, 'output.png');
    await copyFile(this.outputFile, path);
    return { state: 'succeeded', outputs: [{ url: pathToFileURL(path).href, mediaType: 'image/png' }] };
  }
}

describe('the worker loop, with a poll interval far longer than any test', () => {
  let t: TestGateway;
  let fixtures: string;
  let claims = 0;

  beforeAll(async () => {
    fixtures = await mkdtemp(join(tmpdir(), 'reelay-worker-loop-'));
    const output = join(fixtures, 'output.png');
    await writeFile(output, await makePng(64, 64, [10, 200, 10]));
    t = await startGateway(
      'pglite',
      { REELAY_WORKER_POLL_MS: '60000', REELAY_WORKER_CONCURRENCY: '1' },
      (config) => ({
        providers: [{ provider: new CountdownProvider(output, config.render.workDir), pollIntervalMs: 50 }],
      }),
    );
    // Every look for work the worker makes, counted where it is sent.
    const db = t.gateway.db;
    const query = db.query.bind(db);
    db.query = ((text: string, params?: readonly unknown[]) => {
      if (text.includes('reelay_claim_job')) claims++;
      return query(text, params);
    }) as typeof db.query;
  });
  afterAll(async () => {
    await t?.stop();
    if (fixtures) await rm(fixtures, { recursive: true, force: true });
  });

  const create = async (prompt: string) => {
    const r = await t.api('POST', '/api/v1/generations', {
      type: 'image',
      model: 'nano-banana',
      input: { prompt },
    });
    expect(r.status, r.text).toBe(202);
    return r.json.id as string;
  };

  it('does not look for work again after a job when nothing more is due', async () => {
    const before = claims;
    for (let i = 0; i < 5; i++) {
      const id = await create(`a fox ${i}`);
      expect((await waitForFinal(t, id)).json.status).toBe('succeeded');
    }
    // One claim per generation (the create's wake-up); a look after each job would make it ten.
    expect(claims - before).toBeLessThanOrEqual(6);
  });

  it('takes a job it handed back due soon when it is due, not at the next poll a minute later', async () => {
    const id = await create('pending 2');
    // Waiting for the poll would take a minute; it is taken within 150 ms of each hand-back.
    expect((await waitForFinal(t, id, {}, 20_000)).json.status).toBe('succeeded');
  });
});
