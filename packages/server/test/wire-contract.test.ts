import { createServer, type Server } from 'node:http';
import { wire } from '@reelay/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng, startGateway, type TestGateway, type TestResponse, waitForFinal } from './harness.ts';

const ADMIN = 'admin-key-for-wire-contract-0123';
const admin = { authorization: `Bearer ${ADMIN}` };
const REQUEST = { type: 'video', model: 'kling-3.0-omni', input: { prompt: 'a paper boat', duration: 3 } };

/** What the test needs of a zod schema. */
interface Schema {
  safeParse(value: unknown): { success: boolean; error?: { issues: unknown[] } };
  shape?: Record<string, unknown>;
}

/** The top-level fields each schema met in a real answer, so that a field no answer carries is noticed too. */
const seen = new Map<Schema, Set<string>>();

/** Checks `r` is a `status` answer whose JSON the schema takes as it is: no field missing, none unknown. */
function conforms(schema: Schema, r: TestResponse, status: number, what: string): void {
  expect(r.status, `${what}: ${r.text}`).toBe(status);
  const parsed = schema.safeParse(r.json);
  const fields = seen.get(schema) ?? new Set<string>();
  for (const name of Object.keys(r.json ?? {})) fields.add(name);
  seen.set(schema, fields);
  expect(parsed.error?.issues ?? [], `${what}: ${r.text.slice(0, 400)}`).toEqual([]);
}

/** The `data:` of every event in a text/event-stream body. */
const eventData = (text: string): unknown[] =>
  text
    .split('\n\n')
    .flatMap((block) => block.split('\n').filter((line) => line.startsWith('data:')))
    .map((line) => JSON.parse(line.slice(5)));

/** A webhook receiver that answers 204 and keeps each body. */
async function startReceiver(): Promise<{ url: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}/hook`, bodies, server };
}

// Real answers of the main routes, read by the contract's zod schemas in strict mode: a field the server sends
// that the contract does not name, or one it names as required that the server leaves out, fails here.
describe('the wire contract against real answers', () => {
  let t: TestGateway;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    t = await startGateway('pglite', {
      REELAY_ADMIN_KEY: ADMIN,
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
      REELAY_WEBHOOK_BACKOFF_MS: '50',
    });
  });
  afterAll(async () => {
    await t?.stop();
    receiver?.server.close();
  });

  it('models: the list and every model in full, in each locale', async () => {
    const list = await t.api('GET', '/api/v1/models');
    conforms(wire.ModelList, list, 200, 'GET /models');
    for (const { id } of list.json.data as { id: string }[]) {
      for (const locale of ['en', 'es', 'ru']) {
        conforms(wire.ModelDescription, await t.api('GET', `/api/v1/models/${id}?locale=${locale}`), 200, id);
      }
    }
  });

  it('generations: quote, create, list, get, events, cancel and the webhook body', async () => {
    conforms(wire.QuoteResult, await t.api('POST', '/api/v1/quotes', REQUEST), 200, 'POST /quotes');
    const png = await makePng(800, 600, [20, 120, 200]);
    const asset = await t.api('POST', '/api/v1/assets', new Uint8Array(png), { 'content-type': 'image/png' });
    conforms(wire.Asset, asset, 201, 'POST /assets');
    conforms(wire.Asset, await t.api('GET', `/api/v1/assets/${asset.json.id}`), 200, 'GET /assets/{id}');

    const created = await t.api('POST', '/api/v1/generations', {
      ...REQUEST,
      input: { ...REQUEST.input, referenceAssetUris: [asset.json.uri] },
      webhookUrl: receiver.url,
    });
    conforms(wire.Generation, created, 202, 'POST /generations');
    const final = await waitForFinal(t, created.json.id);
    conforms(wire.Generation, final, 200, 'GET /generations/{id}');
    expect(final.json.status).toBe('succeeded');
    expect(final.json.outputs.length).toBeGreaterThan(0);
    const outputId = final.json.outputs[0].uri.slice('asset://'.length);
    const output = await t.api('GET', `/api/v1/assets/${outputId}`);
    conforms(wire.Asset, output, 200, 'GET /assets/{id} of an output');
    expect(output.json.provenance?.state).toBeDefined();
    conforms(wire.GenerationPage, await t.api('GET', '/api/v1/generations?limit=5'), 200, 'GET /generations');

    const events = await t.api('GET', `/api/v1/generations/${created.json.id}/events`);
    expect(events.status).toBe(200);
    const data = eventData(events.text);
    expect(data.length).toBeGreaterThan(0);
    for (const d of data) expect(wire.GenerationEvent.safeParse(d).error?.issues ?? []).toEqual([]);
    expect((data.at(-1) as { generation?: unknown }).generation).toBeTruthy();

    const second = await t.api('POST', '/api/v1/generations', REQUEST);
    const canceled = await t.api('POST', `/api/v1/generations/${second.json.id}/cancel`);
    if (canceled.status === 200) conforms(wire.Generation, canceled, 200, 'POST /cancel');
    else conforms(wire.ErrorEnvelope, canceled, 409, 'POST /cancel of a finished generation');

    await expect.poll(() => receiver.bodies.length, { timeout: 20_000 }).toBeGreaterThan(0);
    for (const body of receiver.bodies) {
      expect(wire.WebhookPayload.safeParse(JSON.parse(body)).error?.issues ?? []).toEqual([]);
    }
  });

  it('account, usage, ledger, keys and webhooks', async () => {
    await waitForFinal(t, (await t.api('POST', '/api/v1/generations', REQUEST)).json.id);
    conforms(wire.Account, await t.api('GET', '/api/v1/account'), 200, 'GET /account');
    conforms(wire.Usage, await t.api('GET', '/api/v1/usage'), 200, 'GET /usage');
    conforms(wire.Usage, await t.api('GET', '/api/v1/usage?groupBy=day'), 200, 'GET /usage by day');
    conforms(wire.LedgerPage, await t.api('GET', '/api/v1/ledger?limit=3'), 200, 'GET /ledger');

    conforms(wire.ApiKeyList, await t.api('GET', '/api/v1/keys'), 200, 'GET /keys');
    const key = await t.api('POST', '/api/v1/keys', { name: 'ci', dailyTokens: 10 });
    conforms(wire.NewApiKey, key, 201, 'POST /keys');
    conforms(wire.ApiKey, await t.api('POST', `/api/v1/keys/${key.json.id}/revoke`), 200, 'POST /revoke');

    conforms(wire.WebhookSecret, await t.api('GET', '/api/v1/webhooks/secret'), 200, 'GET /webhooks/secret');
    const deliveries = await t.api('GET', '/api/v1/webhooks/deliveries');
    conforms(wire.WebhookDeliveryPage, deliveries, 200, 'GET /webhooks/deliveries');
    const id = deliveries.json.data[0]?.id as string;
    expect(id).toBeTruthy();
    const detail = await t.api('GET', `/api/v1/webhooks/deliveries/${id}`);
    conforms(wire.WebhookDeliveryDetail, detail, 200, 'GET /webhooks/deliveries/{id}');
    const replayed = await t.api('POST', `/api/v1/webhooks/deliveries/${id}/replay`);
    conforms(wire.WebhookDelivery, replayed, 202, 'POST /replay');
    const rotated = await t.api('POST', '/api/v1/webhooks/secret/rotate');
    conforms(wire.WebhookSecret, rotated, 200, 'POST /webhooks/secret/rotate');
  });

  it('the admin API', async () => {
    const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Customer' }, admin);
    conforms(wire.AdminAccount, account, 201, 'POST /admin/accounts');
    const path = `/api/v1/admin/accounts/${account.json.id}`;
    conforms(wire.AdminAccount, await t.api('GET', path, undefined, admin), 200, 'GET /admin/accounts/{id}');
    const key = await t.api('POST', `${path}/keys`, { mode: 'test', name: 'ci' }, admin);
    conforms(wire.NewApiKey, key, 201, 'POST /admin/accounts/{id}/keys');
    const grant = await t.api('POST', `${path}/grants`, { mode: 'test', tokens: 5 }, admin);
    conforms(wire.AdminAccount, grant, 201, 'POST /admin/accounts/{id}/grants');
    const accounts = await t.api('GET', '/api/v1/admin/accounts?limit=1', undefined, admin);
    conforms(wire.AdminAccountPage, accounts, 200, 'GET /admin/accounts');
    const providers = await t.api('GET', '/api/v1/admin/providers', undefined, admin);
    conforms(wire.ProviderHealthReport, providers, 200, 'GET /admin/providers');
    conforms(
      wire.QueueStatus,
      await t.api('GET', '/api/v1/admin/queue', undefined, admin),
      200,
      'GET /admin/queue',
    );
    const deliveries = await t.api('GET', '/api/v1/admin/webhooks/deliveries', undefined, admin);
    conforms(wire.AdminWebhookDeliveryPage, deliveries, 200, 'GET /admin/webhooks/deliveries');
    const delivery = deliveries.json.data[0];
    expect(delivery, 'a delivery made by the webhook test above').toBeDefined();
    const replayed = await t.api(
      'POST',
      `/api/v1/admin/webhooks/deliveries/${delivery.id}/replay`,
      undefined,
      admin,
    );
    conforms(wire.AdminWebhookDelivery, replayed, 202, 'POST /admin/webhooks/deliveries/{id}/replay');
  });

  it('errors: 401, 404, 422 with every bad field, 400', async () => {
    const anonymous = { authorization: 'Bearer rl_test_wrong' };
    conforms(wire.ErrorEnvelope, await t.api('GET', '/api/v1/account', undefined, anonymous), 401, '401');
    conforms(wire.ErrorEnvelope, await t.api('GET', '/api/v1/generations/gen_none'), 404, '404');
    const bad = await t.api('POST', '/api/v1/generations', { ...REQUEST, input: { duration: 99 } });
    conforms(wire.ErrorEnvelope, bad, 422, '422');
    expect(bad.json.error.details.length).toBeGreaterThan(1);
    conforms(wire.ErrorEnvelope, await t.api('GET', '/api/v1/ledger?limit=x'), 400, '400');
  });

  it('the strict schemas refuse an unknown field and a missing one', async () => {
    const got = (await t.api('GET', '/api/v1/account')).json;
    expect(wire.Account.safeParse(got).success).toBe(true);
    expect(wire.Account.safeParse({ ...got, extra: 1 }).success).toBe(false);
    const { name: _name, ...missing } = got;
    expect(wire.Account.safeParse(missing).success).toBe(false);
  });

  it('names no field that no answer above carried (the other way round)', () => {
    // An input's source URL is sent only for a fetched input, which this test does not send.
    const notMet: Record<string, string[]> = {
      Asset: ['sourceUrl'],
    };
    const named = Object.entries(wire).filter(([, s]) => seen.has(s as Schema));
    expect(named.length).toBeGreaterThan(15);
    for (const [name, schema] of named) {
      const declared = Object.keys((schema as Schema).shape ?? {});
      const missing = declared.filter((f) => !seen.get(schema as Schema)?.has(f));
      expect(missing, name).toEqual(notMet[name] ?? []);
    }
  });
});
