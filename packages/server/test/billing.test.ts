import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, insertKey } from '../src/billing/api-keys.ts';
import { grant } from '../src/store/ledger.ts';
import { DATABASES, makePng, startGateway, type TestGateway, upload, waitForFinal } from './harness.ts';

const input = (resolution: string, audioEnabled: boolean, duration: number) => ({
  prompt: 'a red kite over the sea',
  resolution,
  audioEnabled,
  duration,
});
const gen = (i: unknown) => ({ type: 'video', model: 'kling-3.0-omni', input: i });

describe('quotes', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway('pglite', { REELAY_PRICES: '{"kling-3.0-omni":{"1080p":9}}' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it.each([
    ['720p', false, 4, '720p', 6.4],
    ['720p', true, 3, '720p-audio', 8.5],
    ['1080p', false, 10, '1080p', 9],
    ['1080p', true, 15, '1080p-audio', 11.3],
  ] as const)(
    '%s audio=%s %is → variant %s at %d tokens/s (1080p overridden to 9)',
    async (res, audio, seconds, variant, rate) => {
      const r = await t.api('POST', '/api/v1/quotes', gen(input(res, audio, seconds)));
      expect(r.status, r.text).toBe(200);
      expect(r.json).toMatchObject({ model: 'kling-3.0-omni', variant, tokensPerSecond: rate, seconds });
      expect(r.json.tokens).toBeCloseTo(rate * seconds, 9);
    },
  );

  it('holds exactly the quote at create', async () => {
    const q = await t.api('POST', '/api/v1/quotes', gen(input('1080p', true, 7)));
    const g = await t.api('POST', '/api/v1/generations', gen(input('1080p', true, 7)));
    expect(g.json.quote.tokens).toBe(q.json.tokens);
    expect((await t.api('GET', '/api/v1/account')).json.tokens.held).toBe(q.json.tokens);
    await t.api('POST', `/api/v1/generations/${g.json.id}/cancel`);
    expect((await t.api('GET', '/api/v1/account')).json.tokens).toMatchObject({ balance: 10_000, held: 0 });
  });
});

describe.each(DATABASES)('tokens and accounts on %s', (kind) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(kind, { REELAY_DEV_TOKENS: '30', REELAY_FFMPEG_PATH: '/nonexistent/ffmpeg' });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('refuses with 402 what the balance cannot cover, holding nothing', async () => {
    const r = await t.api('POST', '/api/v1/generations', gen(input('1080p', true, 5)));
    expect(r.status).toBe(402);
    expect(r.json.error.code).toBe('insufficient_tokens');
    expect((await t.api('GET', '/api/v1/account')).json.tokens).toEqual({
      balance: 30,
      held: 0,
      available: 30,
    });
    expect((await t.api('GET', '/api/v1/generations')).json.data).toHaveLength(0);
  });

  it('releases the hold when the render fails', async () => {
    const r = await t.api('POST', '/api/v1/generations', gen(input('720p', false, 3)));
    expect(r.status).toBe(202);
    expect((await t.api('GET', '/api/v1/account')).json.tokens.held).toBe(19.2);
    const done = await waitForFinal(t, r.json.id);
    expect(done.json.status).toBe('failed');
    expect(done.json.error.code).toBe('render_failed');
    expect(done.json.chargedTokens).toBeNull();
    expect((await t.api('GET', '/api/v1/account')).json.tokens).toEqual({
      balance: 30,
      held: 0,
      available: 30,
    });
  });

  it('cancels a queued generation at once and never charges it; a second cancel is 409', async () => {
    const r = await t.api('POST', '/api/v1/generations', gen(input('720p', false, 3)));
    const c = await t.api('POST', `/api/v1/generations/${r.json.id}/cancel`);
    if (c.status === 200) {
      expect(c.json.status).toBe('canceled');
      expect((await t.api('GET', '/api/v1/account')).json.tokens).toEqual({
        balance: 30,
        held: 0,
        available: 30,
      });
      expect((await t.api('POST', `/api/v1/generations/${r.json.id}/cancel`)).status).toBe(409);
    } else {
      // The worker was faster and the render already failed: still nothing charged.
      expect(c.status).toBe(409);
    }
    const final = await waitForFinal(t, r.json.id);
    expect(final.json.chargedTokens).toBeNull();
  });

  it('keeps accounts apart: another key cannot read, list, cancel or use this account’s data', async () => {
    const asset = await upload(t, await makePng(400, 400, [0, 200, 0]), 'image/png');
    const mine = await t.api('POST', '/api/v1/generations', gen(input('720p', false, 3)));
    const otherKey = generateKey('test');
    await t.gateway.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO accounts (id, name) VALUES ('acct_other', 'Other')`);
      await grant(tx, { accountId: 'acct_other', mode: 'test' }, 1_000_000, 'test');
      await insertKey(tx, 'acct_other', otherKey);
    });
    const other = { authorization: `Bearer ${otherKey}` };
    expect((await t.api('GET', `/api/v1/generations/${mine.json.id}`, undefined, other)).status).toBe(404);
    expect((await t.api('POST', `/api/v1/generations/${mine.json.id}/cancel`, undefined, other)).status).toBe(
      404,
    );
    expect((await t.api('GET', `/api/v1/assets/${asset.id}`, undefined, other)).status).toBe(404);
    expect((await t.api('GET', `/api/v1/assets/${asset.id}/content`, undefined, other)).status).toBe(404);
    expect((await t.api('GET', '/api/v1/generations', undefined, other)).json.data).toHaveLength(0);
    const borrow = await t.api(
      'POST',
      '/api/v1/generations',
      gen({ prompt: 'x', referenceAssetUris: [asset.uri] }),
      other,
    );
    expect(borrow.status).toBe(404);
    expect(borrow.json.error.param).toBe('input.referenceAssetUris[0]');
    expect((await t.api('GET', '/api/v1/account', undefined, other)).json.tokens).toEqual({
      balance: 1000,
      held: 0,
      available: 1000,
    });
    const ledger = (await t.api('GET', '/api/v1/ledger', undefined, other)).json.data;
    expect(ledger.map((e: { kind: string }) => e.kind)).toEqual(['grant']);
    expect((await t.api('GET', '/api/v1/usage', undefined, other)).json.data).toEqual([]);
    const theirs = await t.api('POST', '/api/v1/generations', gen({ prompt: 'x' }), {
      ...other,
      'idempotency-key': 'k-1',
    });
    expect(theirs.status).toBe(202);
    const ours = await t.api('POST', '/api/v1/generations', gen({ prompt: 'x' }), {
      'idempotency-key': 'k-1',
    });
    expect(ours.headers.get('idempotent-replayed')).toBeNull();
    expect(ours.json.id).not.toBe(theirs.json.id);
    await waitForFinal(t, theirs.json.id, other);
    if (ours.status === 202) await waitForFinal(t, ours.json.id);
    await waitForFinal(t, mine.json.id);
  });

  it('keeps balance equal to the sum of its ledger entries and held equal to open holds', async () => {
    const rows = await t.gateway.db.query<{ kind: string; total: number }>(
      `SELECT kind, sum(amount_milli)::float8 AS total FROM ledger_entries WHERE account_id = 'acct_dev' GROUP BY kind`,
    );
    const sum = (k: string) => rows.find((r) => r.kind === k)?.total ?? 0;
    const account = (await t.api('GET', '/api/v1/account')).json.tokens;
    expect(sum('grant') - sum('capture')).toBe(account.balance * 1000);
    const open = await t.gateway.db.query<{ total: number }>(
      `SELECT coalesce(sum(amount_milli), 0)::float8 AS total FROM ledger_entries h
       WHERE kind = 'hold' AND account_id = 'acct_dev' AND NOT EXISTS (
         SELECT 1 FROM ledger_entries e WHERE e.generation_id = h.generation_id AND e.kind IN ('capture', 'release'))`,
    );
    expect(open[0]?.total).toBe(account.held * 1000);
  });
});
