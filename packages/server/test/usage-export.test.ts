import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';

const ADMIN = 'admin-key-for-export-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

const image = (model: string, prompt: string) => ({ type: 'image', model, input: { prompt } });

interface Entry {
  kind: string;
  tokens: number;
  keyId: string | null;
  generationId: string | null;
}

describe.each(DATABASES)('usage export on %s', (kind) => {
  let t: TestGateway;
  let second: Record<string, string>;
  let secondId: string;
  let devKeyId: string;
  const started = new Date(Date.now() - 60_000).toISOString();

  /** Runs a generation to its end with `headers`. */
  async function run(body: object, headers: Record<string, string> = {}) {
    const created = await t.api('POST', '/api/v1/generations', body, headers);
    expect(created.status, created.text).toBe(202);
    const done = await waitForFinal(t, created.json.id, headers);
    expect(done.json.status, done.text).toBe('succeeded');
    return done.json;
  }

  /** Every ledger entry of the dev key's environment. */
  async function ledger(headers: Record<string, string> = {}): Promise<Entry[]> {
    const all: Entry[] = [];
    let cursor = '';
    for (;;) {
      const page = await t.api('GET', `/api/v1/ledger?limit=200${cursor}`, undefined, headers);
      all.push(...page.json.data);
      if (!page.json.nextCursor) return all;
      cursor = `&cursor=${page.json.nextCursor}`;
    }
  }
  const milli = (tokens: number) => Math.round(tokens * 1000);

  beforeAll(async () => {
    t = await startGateway(kind, { REELAY_ADMIN_KEY: ADMIN });
    const made = await t.api('POST', '/api/v1/keys', { name: 'second' });
    second = bearer(made.json.key);
    secondId = made.json.id;
    devKeyId = (await t.api('GET', '/api/v1/keys')).json.data.find((k: { current: boolean }) => k.current).id;
    await run(image('nano-banana', 'one'));
    await run(image('nano-banana', 'two'));
    await run(image('nano-banana-2', 'three'), second);
    // Another account spends too: none of it may show.
    const other = await t.api('POST', '/api/v1/admin/accounts', { name: 'Other' }, admin);
    const key = await t.api('POST', `/api/v1/admin/accounts/${other.json.id}/keys`, { mode: 'test' }, admin);
    await t.api(
      'POST',
      `/api/v1/admin/accounts/${other.json.id}/grants`,
      { mode: 'test', tokens: 100 },
      admin,
    );
    await run(image('nano-banana', 'elsewhere'), bearer(key.json.key));
  });
  afterAll(() => t?.stop());

  it('sums the ledger’s charges per group, to the token, owner-scoped', async () => {
    const r = await t.api('GET', `/api/v1/usage/export?from=${started}&groupBy=key,model,provider,day`);
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ groupBy: ['key', 'model', 'provider', 'day'], environment: 'test' });
    const captures = (await ledger()).filter((e) => e.kind === 'capture');
    expect(captures).toHaveLength(3);
    const today = new Date().toISOString().slice(0, 10);
    const sum = (rows: Entry[]) => rows.reduce((s, e) => s + milli(e.tokens), 0);
    // Rows come ordered by the groups in column order; key ids are random, so the expected rows are sorted too.
    const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : 1);
    expect(r.json.data).toEqual(
      [
        {
          key: devKeyId,
          model: 'nano-banana',
          provider: 'local',
          day: today,
          tokens: sum(captures.filter((e) => e.keyId === devKeyId)) / 1000,
          generations: 2,
        },
        {
          key: secondId,
          model: 'nano-banana-2',
          provider: 'local',
          day: today,
          tokens: sum(captures.filter((e) => e.keyId === secondId)) / 1000,
          generations: 1,
        },
      ].sort(byKey),
    );
    expect(milli(r.json.total.tokens)).toBe(sum(captures));
    expect(r.json.total.generations).toBe(3);
    expect(sum(captures)).toBeGreaterThan(0);
    // The second key sees the same account's export; the environment is the key's.
    const same = await t.api(
      'GET',
      `/api/v1/usage/export?from=${started}&groupBy=key,model,provider,day`,
      undefined,
      second,
    );
    expect(same.json.data).toEqual(r.json.data);
  });

  it('groups by day alone by default, and a period without charges is empty', async () => {
    const r = await t.api('GET', `/api/v1/usage/export?from=${started}`);
    expect(r.json.groupBy).toEqual(['day']);
    expect(r.json.data).toHaveLength(1);
    expect(r.json.data[0].generations).toBe(3);
    const none = await t.api('GET', '/api/v1/usage/export?from=2020-01-01&to=2020-02-01&groupBy=model');
    expect(none.json.data).toEqual([]);
    expect(none.json.total).toEqual({ tokens: 0, generations: 0 });
  });

  it('answers CSV with a header row and the same numbers', async () => {
    const json = await t.api('GET', `/api/v1/usage/export?from=${started}&groupBy=model,key`);
    const r = await t.api('GET', `/api/v1/usage/export?from=${started}&groupBy=model,key&format=csv`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(r.headers.get('content-disposition')).toMatch(
      /^attachment; filename="reelay-usage-test-.*\.csv"$/,
    );
    const lines = r.text.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('model,key,tokens,generations');
    expect(lines.slice(1, -1)).toEqual(
      json.json.data.map(
        (row: { model: string; key: string; tokens: number; generations: number }) =>
          `${row.model},${row.key},${row.tokens},${row.generations}`,
      ),
    );
  });

  it('refuses bad parameters with a 400 naming the field', async () => {
    for (const [query, param] of [
      ['groupBy=week', 'groupBy'],
      ['groupBy=day,day', 'groupBy'],
      ['groupBy=', 'groupBy'],
      ['format=xml', 'format'],
      ['from=someday', 'from'],
      ['to=2026-02-30T25:00:00Z', 'to'],
      ['from=2026-02-01&to=2026-01-01', 'from'],
    ]) {
      const r = await t.api('GET', `/api/v1/usage/export?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.json.error.param, query).toBe(param);
    }
  });

  it('needs a key', async () => {
    const r = await fetch(`${t.baseUrl}/api/v1/usage/export`);
    expect(r.status).toBe(401);
  });
});
