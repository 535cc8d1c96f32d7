import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from '../harness.ts';

const ADMIN = 'admin-key-for-webhook-mode-tests-01';

describe.each(DATABASES)('webhook secrets and deliveries are per mode (%s)', (kind) => {
  let t: TestGateway;
  let receiver: Server;
  let receiverUrl = '';
  let live: Record<string, string> = {};
  beforeAll(async () => {
    receiver = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    t = await startGateway(kind, {
      REELAY_ADMIN_KEY: ADMIN,
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
    });
    // A live key of the same (development) account the test key belongs to.
    const key = await t.api(
      'POST',
      '/api/v1/admin/accounts/acct_dev/keys',
      { mode: 'live', name: 'live' },
      { authorization: `Bearer ${ADMIN}` },
    );
    expect(key.status, key.text).toBe(201);
    live = { authorization: `Bearer ${key.json.key}` };
  });
  afterAll(async () => {
    await t?.stop();
    receiver?.close();
  });

  it('gives test and live keys their own secret; a test key cannot rotate the live one', async () => {
    const liveSecret = (await t.api('GET', '/api/v1/webhooks/secret', undefined, live)).json.secret;
    const testSecret = (await t.api('GET', '/api/v1/webhooks/secret')).json.secret;
    expect(liveSecret).toMatch(/^whsec_/);
    expect(testSecret).toMatch(/^whsec_/);
    expect(testSecret).not.toBe(liveSecret);

    const rotated = await t.api('POST', '/api/v1/webhooks/secret/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.json.secret).not.toBe(testSecret);
    expect((await t.api('GET', '/api/v1/webhooks/secret', undefined, live)).json.secret).toBe(liveSecret);
  });

  it('shows a test generation’s deliveries to test keys only', async () => {
    const created = await t.api('POST', '/api/v1/generations', {
      type: 'image',
      model: 'nano-banana-2',
      input: { prompt: 'a test-mode webhook' },
      webhookUrl: receiverUrl,
    });
    expect(created.status, created.text).toBe(202);
    await waitForFinal(t, created.json.id);
    const mine = await t.api('GET', `/api/v1/webhooks/deliveries?generationId=${created.json.id}`);
    expect(mine.json.data.length).toBeGreaterThan(0);
    const id = mine.json.data[0].id as string;

    const seen = await t.api(
      'GET',
      `/api/v1/webhooks/deliveries?generationId=${created.json.id}`,
      undefined,
      live,
    );
    expect(seen.status).toBe(200);
    expect(seen.json.data).toEqual([]);
    expect((await t.api('GET', `/api/v1/webhooks/deliveries/${id}`, undefined, live)).status).toBe(404);
    expect((await t.api('POST', `/api/v1/webhooks/deliveries/${id}/replay`, undefined, live)).status).toBe(
      404,
    );
    expect((await t.api('GET', `/api/v1/webhooks/deliveries?cursor=${id}`, undefined, live)).status).toBe(
      400,
    );
    expect((await t.api('GET', `/api/v1/webhooks/deliveries/${id}`)).status).toBe(200);
  });
});
