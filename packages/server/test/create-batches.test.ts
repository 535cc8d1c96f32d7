import type { Quote } from '@reelay/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../src/billing/api-keys.ts';
import type { Database } from '../src/db/database.ts';
import { CreateBatcher } from '../src/generations/create-batcher.ts';
import { newId } from '../src/ids.ts';
import type { InsertOutcome, NewGeneration } from '../src/store/generations.ts';
import { JOBS_CHANNEL } from '../src/store/jobs.ts';
import { DATABASES, startGateway, type TestGateway } from './harness.ts';

const ADMIN = 'admin-key-for-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };
const LIMITS = { keyRatePerMinute: 1000, maxConcurrentGenerations: 100 };

/** An account with a test key and `tokens` granted, through the admin API. */
async function newPrincipal(t: TestGateway, tokens: number, limits: object = {}): Promise<Principal> {
  const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Batch', ...limits }, admin);
  expect(account.status, account.text).toBe(201);
  const key = await t.api('POST', `/api/v1/admin/accounts/${account.json.id}/keys`, { mode: 'test' }, admin);
  expect(key.status, key.text).toBe(201);
  const grant = await t.api(
    'POST',
    `/api/v1/admin/accounts/${account.json.id}/grants`,
    { mode: 'test', tokens },
    admin,
  );
  expect(grant.status, grant.text).toBe(201);
  return { accountId: account.json.id, keyId: key.json.id, mode: 'test' };
}

function generation(
  principal: Principal,
  tokens: number,
  idempotencyKey: string | null = null,
): NewGeneration {
  return {
    id: newId('gen'),
    principal,
    type: 'image',
    model: 'test-model',
    mode: 'text_to_image',
    variant: 'default',
    input: { prompt: 'a paper boat' },
    mediaRefs: [],
    quote: { tokens } as unknown as Quote,
    quoteMilli: tokens * 1000,
    provider: 'local',
    idempotencyKey,
    requestHash: 'h',
    webhookUrl: null,
  };
}

/** The database with the scripts (transactions) sent through it counted. */
function counting(db: Database): { db: Database; scripts: () => number } {
  let scripts = 0;
  return {
    scripts: () => scripts,
    db: {
      ...db,
      query: (text, params) => db.query(text, params),
      script: (text) => {
        scripts += 1;
        return db.script(text);
      },
      listen: (...args) => db.listen(...args),
    },
  };
}

async function tokensOf(t: TestGateway, p: Principal) {
  const a = await t.api('GET', `/api/v1/admin/accounts/${p.accountId}`, undefined, admin);
  return a.json.tokens.test as { balance: number; held: number };
}

async function ledgerHolds(t: TestGateway, p: Principal): Promise<number> {
  const rows = await t.gateway.db.query(
    "SELECT coalesce(sum(amount_milli), 0)::bigint AS s FROM ledger_entries WHERE account_id = $1 AND kind = 'hold'",
    [p.accountId],
  );
  return Number(rows[0]?.s) / 1000;
}

const kinds = (outcomes: InsertOutcome[]) => outcomes.map((o) => o.kind);

describe.each(DATABASES)('creates decided in batches on %s', (kind) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(kind, { REELAY_ADMIN_KEY: ADMIN, REELAY_DEV_ACCOUNT: 'off' }, () => ({
      role: 'api',
    }));
  });
  afterAll(() => t.stop());

  it('wakes the workers with the commit that queues a job', async () => {
    const p = await newPrincipal(t, 100);
    const heard: string[] = [];
    let woken: () => void = () => {};
    const wake = new Promise<void>((resolve) => {
      woken = resolve;
    });
    const unlisten = await t.gateway.db.listen(JOBS_CHANNEL, (payload) => {
      heard.push(payload);
      woken();
    });
    try {
      const outcome = await new CreateBatcher(t.gateway.db, LIMITS).decide(generation(p, 1));
      expect(outcome.kind).toBe('created');
      await wake;
      expect(heard.length).toBeGreaterThanOrEqual(1);
    } finally {
      await unlisten();
    }
  });

  it('counts an account’s open generations as they start and end, whichever statement moves them', async () => {
    const p = await newPrincipal(t, 1000, { maxConcurrentGenerations: 3 });
    const batcher = new CreateBatcher(t.gateway.db, LIMITS);
    const first = await Promise.all(Array.from({ length: 5 }, () => batcher.decide(generation(p, 1))));
    expect(kinds(first).sort()).toEqual(['created', 'created', 'created', 'refused', 'refused']);
    const created = first.flatMap((o) => (o.kind === 'created' ? [o.generation.id] : []));
    const open = async () => {
      const rows = await t.gateway.db.query<{ counted: number; kept: number }>(
        `SELECT (SELECT count(*)::int FROM generations WHERE account_id = $1 AND status IN ('queued', 'running'))
           AS counted,
         (SELECT coalesce(sum(n), 0)::int FROM active_generations WHERE account_id = $1) AS kept`,
        [p.accountId],
      );
      return rows[0];
    };
    expect(await open()).toEqual({ counted: 3, kept: 3 });
    // Ended or moved by hand, not through the gateway: the counts follow all the same.
    await t.gateway.db.query(`UPDATE generations SET status = 'running' WHERE id = $1`, [created[0]]);
    await t.gateway.db.query(`UPDATE generations SET status = 'failed' WHERE id = $1`, [created[1]]);
    await t.gateway.db.query(`UPDATE generations SET status = 'canceled' WHERE id = $1`, [created[2]]);
    await t.gateway.db.query(`UPDATE generations SET progress = 0.5 WHERE id = $1`, [created[0]]);
    expect(await open()).toEqual({ counted: 1, kept: 1 });
    const second = await Promise.all(Array.from({ length: 3 }, () => batcher.decide(generation(p, 1))));
    expect(kinds(second).sort()).toEqual(['created', 'created', 'refused']);
    expect(await open()).toEqual({ counted: 3, kept: 3 });
  });

  it('decides concurrent creates of several accounts in a few transactions, each as if alone', async () => {
    const rich = await newPrincipal(t, 1000);
    const poor = await newPrincipal(t, 25);
    const busy = await newPrincipal(t, 1000, { maxConcurrentGenerations: 2 });
    const { db, scripts } = counting(t.gateway.db);
    const batcher = new CreateBatcher(db, LIMITS);
    const asked = [
      generation(rich, 10, 'same-key'),
      generation(poor, 10),
      generation(busy, 1),
      generation(poor, 10),
      generation(rich, 10, 'same-key'),
      generation(poor, 10),
      generation(busy, 1),
      generation(busy, 1),
      generation(rich, 10, 'other-key'),
    ];
    const outcomes = await Promise.all(asked.map((g) => batcher.decide(g)));
    expect(kinds(outcomes)).toEqual([
      'created',
      'created',
      'created',
      'created',
      'duplicate_key', // the key taken earlier in the batch
      'insufficient', // 25 tokens cover two creates of 10
      'created',
      'refused', // two in flight at most
      'created',
    ]);
    const insufficient = outcomes[5];
    expect(insufficient?.kind === 'insufficient' && insufficient.availableMilli).toBe(5000);
    const refused = outcomes[7];
    expect(refused?.kind === 'refused' && refused.verdict.refused).toBe('concurrency');
    // On PostgreSQL the first two creates went alone (two batches may be in the database at once), and the seven
    // that came while they were went together; the embedded database, which runs on this thread, takes the creates
    // of one event-loop turn together.
    expect(scripts()).toBe(kind === 'pglite' ? 1 : 3);
    for (const [p, held] of [
      [rich, 20],
      [poor, 20],
      [busy, 2],
    ] as const) {
      expect(await tokensOf(t, p)).toMatchObject({ held });
      expect(await ledgerHolds(t, p)).toBe(held);
    }
    const created = outcomes.flatMap((o) => (o.kind === 'created' ? [o.generation.id] : []));
    const jobs = await t.gateway.db.query(
      'SELECT count(*)::int AS n FROM jobs WHERE generation_id = ANY($1)',
      [created],
    );
    expect(jobs[0]?.n).toBe(created.length);
  });

  it('decides each create of a batch that failed as a whole alone, so one bad create fails no other', async () => {
    const p = await newPrincipal(t, 1000);
    const batcher = new CreateBatcher(t.gateway.db, LIMITS);
    const first = generation(p, 1);
    await batcher.decide(first);
    // The same id again cannot be inserted: its batch rolls back and every create in it is decided again alone.
    const asked = [
      generation(p, 1),
      generation(p, 1),
      { ...generation(p, 1), id: first.id },
      generation(p, 1),
    ];
    const settled = await Promise.allSettled([
      batcher.decide(generation(p, 1)),
      ...asked.map((g) => batcher.decide(g)),
    ]);
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.kind] : []))).toEqual([
      'created',
      'created',
      'created',
      'created',
    ]);
    expect(await tokensOf(t, p)).toMatchObject({ held: 5 });
    expect(await ledgerHolds(t, p)).toBe(5);
  });

  it('accepts exactly what the balance covers among 200 concurrent creates, decided in batches', async () => {
    const p = await newPrincipal(t, 105);
    const batcher = new CreateBatcher(t.gateway.db, LIMITS);
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => batcher.decide(generation(p, 10))));
    expect(outcomes.filter((o) => o.kind === 'created')).toHaveLength(10);
    expect(outcomes.filter((o) => o.kind === 'insufficient')).toHaveLength(190);
    expect(await tokensOf(t, p)).toMatchObject({ balance: 105, held: 100 });
    expect(await ledgerHolds(t, p)).toBe(100);
  });
});
