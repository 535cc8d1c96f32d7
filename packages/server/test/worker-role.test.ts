import { afterAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './harness.ts';

/** The channels the gateway's connections listen on, from the LISTEN each listening connection last sent. */
async function listened(t: TestGateway): Promise<string[]> {
  const rows = await t.gateway.db.query<{ query: string }>(
    `SELECT query FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`,
  );
  return rows.map((r) => r.query.replace(/^LISTEN "?([a-z_]+)"?$/, '$1')).sort();
}

describe('what each role of a process listens for, on PostgreSQL', () => {
  const started: TestGateway[] = [];
  afterAll(async () => {
    for (const t of started) await t.stop();
  });

  it('a worker process hears of jobs and webhooks only; a serving one also of events and key changes', async () => {
    const worker = await startGateway('postgres', {}, () => ({ role: 'worker' }));
    started.push(worker);
    expect(await listened(worker)).toEqual(['reelay_jobs', 'reelay_webhooks']);
    const all = await startGateway('postgres');
    started.push(all);
    expect(await listened(all)).toEqual([
      'reelay_generation_events',
      'reelay_jobs',
      'reelay_key_changes',
      'reelay_webhooks',
    ]);
  });
});
