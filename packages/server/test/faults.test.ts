import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, type TestGateway } from './harness.ts';
import { startLoopbackGateway, videoRequest } from './loopback-gateway.ts';
import type { LoopbackUpstream } from './loopback-upstream.ts';

const GENERATIONS = 40;
const DEADLINE_SECONDS = 8;
const REQUEST = videoRequest('faults');

describe.each(DATABASES)('an upstream that fails, hangs and rate-limits, on %s', (kind) => {
  let t: TestGateway;
  let upstream: LoopbackUpstream;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, upstream, stop } = await startLoopbackGateway(kind, {
      name: 'faults',
      upstream: {
        taskMs: 600,
        seed: kind === 'pglite' ? 11 : 12,
        faults: { error5xx: 0.3, hang: 0.1, burst429: 0.03, burstLength: 6, lostStart: 0.1 },
      },
      env: {
        REELAY_DEADLINE_SECONDS: String(DEADLINE_SECONDS),
        REELAY_MAX_CONCURRENT_GENERATIONS: '1000',
        REELAY_WORKER_CONCURRENCY: '8',
        REELAY_WORKER_POLL_MS: '100',
        REELAY_STEP_TIMEOUT_SECONDS: '3',
      },
      requestTimeoutMs: 500,
    }));
  });
  afterAll(async () => {
    await stop?.();
  });

  it('brings every generation to a final state by its deadline, with holds released for every failure', async () => {
    const ids: string[] = [];
    for (let i = 0; i < GENERATIONS; i++) {
      const created = await t.api('POST', '/api/v1/generations', REQUEST);
      expect(created.status, created.text).toBe(202);
      ids.push(created.json.id);
    }
    const open = async () =>
      (
        await t.gateway.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM generations WHERE status IN ('queued', 'running')`,
        )
      )[0]?.n;
    for (let i = 0; i < 400 && (await open()) !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await open()).toBe(0);

    const rows = await t.gateway.db.query<{
      id: string;
      status: string;
      error: { code: string } | null;
      late_ms: number;
      charged_milli: number | null;
    }>(
      `SELECT id, status, error, charged_milli,
              (EXTRACT(EPOCH FROM (completed_at - created_at)) * 1000 - $1 * 1000)::float8 AS late_ms
       FROM generations`,
      [DEADLINE_SECONDS],
    );
    expect(rows).toHaveLength(GENERATIONS);
    // Ended by the deadline, give or take the sweep that notices it.
    for (const row of rows) expect(row.late_ms).toBeLessThan(3000);
    expect(rows.every((r) => r.status === 'succeeded' || r.status === 'failed')).toBe(true);
    expect(rows.filter((r) => r.status === 'succeeded').length).toBeGreaterThan(0);
    // Whatever failed says why, in a code a client can act on.
    for (const row of rows.filter((r) => r.status === 'failed')) expect(row.error?.code).toMatch(/^[a-z_]+$/);

    const ledger = await t.gateway.db.query<{ generation_id: string; kinds: string }>(
      `SELECT generation_id, string_agg(kind, ',' ORDER BY id) AS kinds FROM ledger_entries
       WHERE generation_id IS NOT NULL GROUP BY generation_id`,
    );
    const kinds = new Map(ledger.map((l) => [l.generation_id, l.kinds]));
    for (const row of rows) {
      expect(kinds.get(row.id)).toBe(row.status === 'succeeded' ? 'hold,capture' : 'hold,release');
      if (row.status === 'failed') expect(row.charged_milli).toBeNull();
    }
    const account = await t.api('GET', '/api/v1/account');
    expect(account.json.tokens.held).toBe(0);
    for (let i = 0; i < 100; i++) {
      if ((await t.gateway.db.query('SELECT 1 FROM jobs')).length === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const left = await t.gateway.db.query(
      'SELECT j.*, g.status, g.error, g.operation FROM jobs j JOIN generations g ON g.id = j.generation_id',
    );
    expect(left, JSON.stringify(left)).toEqual([]);
    // No generation ran twice upstream, even when the answer to its start was lost.
    expect(upstream.lostStarts).toBeGreaterThan(0);
    const perGeneration = new Map<string, number>();
    for (const task of upstream.tasks)
      perGeneration.set(task.generationId, (perGeneration.get(task.generationId) ?? 0) + 1);
    expect([...perGeneration.values()].every((n) => n === 1)).toBe(true);
  });
});
