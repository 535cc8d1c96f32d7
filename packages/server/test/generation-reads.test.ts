import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { GenerationReads } from '../src/generations/generation-reads.ts';
import { DATABASES, startGateway, type TestGateway } from './harness.ts';

const ADMIN = 'admin-key-for-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };
const body = {
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'a paper boat', audioEnabled: false },
};

/** An account with a test key and tokens, and one generation of it. */
async function customer(t: TestGateway) {
  const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Reader' }, admin);
  const key = await t.api('POST', `/api/v1/admin/accounts/${account.json.id}/keys`, { mode: 'test' }, admin);
  await t.api(
    'POST',
    `/api/v1/admin/accounts/${account.json.id}/grants`,
    { mode: 'test', tokens: 100 },
    admin,
  );
  const headers = { authorization: `Bearer ${key.json.key}` };
  const created = await t.api('POST', '/api/v1/generations', body, headers);
  expect(created.status, created.text).toBe(202);
  return {
    owner: { accountId: account.json.id as string, mode: 'test' as const },
    id: created.json.id as string,
    headers,
  };
}

function counting(db: Database): { db: Database; statements: () => number } {
  let n = 0;
  return {
    statements: () => n,
    db: {
      ...db,
      query: (text, params) => {
        n += 1;
        return db.query(text, params);
      },
      listen: (...args) => db.listen(...args),
    },
  };
}

describe.each(DATABASES)('generation reads on %s', (kind) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(kind, { REELAY_ADMIN_KEY: ADMIN, REELAY_DEV_ACCOUNT: 'off' }, () => ({
      role: 'api',
    }));
  });
  afterAll(() => t.stop());

  it('reads many in few statements and gives each caller only what its owner may see', async () => {
    const a = await customer(t);
    const b = await customer(t);
    const { db, statements } = counting(t.gateway.db);
    const reads = new GenerationReads(db);
    const asked = [
      [a.owner, a.id],
      [b.owner, b.id],
      [a.owner, b.id], // another account's: absent
      [{ ...b.owner, mode: 'live' as const }, b.id], // the account's other mode: absent
      [a.owner, 'gen_missing'],
      [a.owner, 'gen_\u0000x'], // never reaches the database
      [a.owner, a.id],
    ] as const;
    const found = await Promise.all(
      Array.from({ length: 10 }, () => asked.map(([owner, id]) => reads.find(owner, id))).flat(),
    );
    expect(found.slice(0, asked.length).map((g) => g?.id ?? null)).toEqual([
      a.id,
      b.id,
      null,
      null,
      null,
      null,
      a.id,
    ]);
    expect(found.map((g) => g?.id ?? null)).toEqual(
      Array.from({ length: 10 }, () => [a.id, b.id, null, null, null, null, a.id]).flat(),
    );
    // 60 reads that reach the database: the first ones go at once, the rest together.
    expect(statements()).toBeLessThanOrEqual(4);
  });

  it('answers GET /api/v1/generations/{id} as before: the owner sees it, another account gets 404', async () => {
    const a = await customer(t);
    const b = await customer(t);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.api('GET', `/api/v1/generations/${a.id}`, undefined, i % 2 ? a.headers : b.headers),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? 200 : 404)));
    expect(results[1]?.json.id).toBe(a.id);
    // A NUL in the path is refused before any read (400 naming it), as before.
    expect((await t.api('GET', '/api/v1/generations/gen_%00', undefined, a.headers)).status).toBe(400);
  });
});
