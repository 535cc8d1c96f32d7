import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, startGateway, type TestGateway, waitForFinal } from './harness.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number | 'hang';
}

/**
 * A webhook receiver on 127.0.0.1. The first message it sees (by webhook-id) gets the planned replies, one
 * per attempt, then 204; every other message gets 204 at once, whatever order the messages arrive in.
 */
async function startReceiver(plan: (number | 'hang')[]) {
  const received: Received[] = [];
  let planned: string | undefined;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      planned ??= id;
      const answer = id === planned ? (plan.shift() ?? 204) : 204;
      received.push({ headers: req.headers, body, answered: answer });
      if (answer === 'hang') return;
      res.writeHead(answer).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const REQUEST = {
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'webhook test', resolution: '720p', duration: 3 },
};

describe.each(DATABASES)('webhooks on %s', (kind) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(kind, {
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
      REELAY_WEBHOOK_BACKOFF_MS: '50',
      REELAY_WEBHOOK_TIMEOUT_MS: '1500',
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('signs every delivery per Standard Webhooks and retries a failing receiver until it answers 2xx', async () => {
    // The first message meets a 500, then a receiver that never answers, before it gets through.
    const receiver = await startReceiver([500, 'hang', 204]);
    try {
      const secret = await t.api('GET', '/api/v1/webhooks/secret');
      expect(secret.status).toBe(200);
      expect(secret.json.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
      const created = await t.api('POST', '/api/v1/generations', { ...REQUEST, webhookUrl: receiver.url });
      expect(created.status).toBe(202);
      expect(created.json.webhookUrl).toBe(receiver.url);
      const id = created.json.id as string;
      const final = await waitForFinal(t, id);
      expect(final.json.status).toBe('succeeded');

      const succeeded = await eventually('the succeeded message', async () =>
        receiver.received.find((r) => r.body.includes('"generation.succeeded"') && r.answered === 204),
      );
      const verifier = new Webhook(secret.json.secret);
      for (const r of receiver.received) {
        const payload = verifier.verify(r.body, r.headers as Record<string, string>) as {
          type: string;
          data: { id: string };
        };
        expect(payload.data.id).toBe(id);
        expect(['generation.running', 'generation.succeeded']).toContain(payload.type);
      }
      expect(() =>
        verifier.verify(
          succeeded.body.replace('succeeded', 'failed'),
          succeeded.headers as Record<string, string>,
        ),
      ).toThrow();
      const payload = JSON.parse(succeeded.body);
      expect(payload.data).toMatchObject({ id, status: 'succeeded', chargedTokens: 25.5 });

      // The retried message kept its webhook-id; every attempt is on record. The other message may get
      // through first, so this waits for the first one's own 2xx.
      const first = receiver.received[0];
      const retries = await eventually('the first message to get through', async () => {
        const attempts = receiver.received.filter(
          (r) => r.headers['webhook-id'] === first?.headers['webhook-id'],
        );
        return attempts.some((r) => r.answered === 204) && attempts;
      });
      expect(retries.map((r) => r.answered)).toEqual([500, 'hang', 204]);
      const list = await t.api('GET', `/api/v1/webhooks/deliveries?generationId=${id}`);
      expect(list.status).toBe(200);
      expect(list.json.data).toHaveLength(2);
      const retried = list.json.data.find((d: { id: string }) => d.id === first?.headers['webhook-id']);
      expect(retried).toMatchObject({ state: 'succeeded', attempts: 3, lastStatus: 204, generationId: id });
      const detail = await t.api('GET', `/api/v1/webhooks/deliveries/${retried.id}`);
      expect(detail.json.attemptLog.map((a: { status: number | null }) => a.status)).toEqual([
        500,
        null,
        204,
      ]);
      expect(detail.json.attemptLog[1].error).toMatch(/no answer within 1500 ms/);

      // Replay on demand sends the same message (same id and body) again.
      const before = receiver.received.length;
      const replay = await t.api('POST', `/api/v1/webhooks/deliveries/${retried.id}/replay`);
      expect(replay.status).toBe(202);
      const again = await eventually('the replayed message', async () => receiver.received[before]);
      expect(again.headers['webhook-id']).toBe(retried.id);
      expect(verifier.verify(again.body, again.headers as Record<string, string>)).toBeTruthy();
      expect(JSON.parse(again.body)).toEqual(JSON.parse(retries[2]?.body ?? ''));
    } finally {
      await receiver.close();
    }
  });

  it('signs with the new secret after a rotation, and with the old one during the grace period', async () => {
    const receiver = await startReceiver([]);
    try {
      const old = (await t.api('GET', '/api/v1/webhooks/secret')).json.secret as string;
      const rotated = await t.api('POST', '/api/v1/webhooks/secret/rotate');
      expect(rotated.status).toBe(200);
      expect(rotated.json.secret).not.toBe(old);
      expect(rotated.json.previousSecretExpiresAt).not.toBeNull();
      expect((await t.api('GET', '/api/v1/webhooks/secret')).json.secret).toBe(rotated.json.secret);
      const created = await t.api('POST', '/api/v1/generations', { ...REQUEST, webhookUrl: receiver.url });
      await waitForFinal(t, created.json.id);
      const message = await eventually('a message', async () => receiver.received.at(-1));
      const headers = message.headers as Record<string, string>;
      expect(new Webhook(rotated.json.secret).verify(message.body, headers)).toBeTruthy();
      expect(new Webhook(old).verify(message.body, headers)).toBeTruthy();
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`).verify(message.body, headers),
      ).toThrow();
    } finally {
      await receiver.close();
    }
  });

  it('never lets a dead receiver hold a generation back; it keeps retrying', async () => {
    const receiver = await startReceiver([]);
    const url = receiver.url;
    await receiver.close();
    const created = await t.api('POST', '/api/v1/generations', { ...REQUEST, webhookUrl: url });
    expect((await waitForFinal(t, created.json.id)).json.status).toBe('succeeded');
    const failing = await eventually('failed attempts', async () => {
      const list = await t.api('GET', `/api/v1/webhooks/deliveries?generationId=${created.json.id}`);
      return list.json.data.every((d: { attempts: number }) => d.attempts >= 2) && list.json.data;
    });
    expect(failing[0]).toMatchObject({ state: 'pending', lastStatus: null });
    expect(failing[0].lastError).toMatch(/ECONNREFUSED|refused/i);
  });

  it('refuses a webhookUrl that is not an http(s) URL, naming the field', async () => {
    for (const webhookUrl of ['ftp://example.com/x', 'not a url', 'https://user:pw@example.com/', 42]) {
      const r = await t.api('POST', '/api/v1/generations', { ...REQUEST, webhookUrl });
      expect(r.status).toBe(422);
      expect(r.json.error.details.map((d: { param: string }) => d.param)).toContain('webhookUrl');
    }
    const list = await t.api('GET', '/api/v1/webhooks/deliveries?limit=0');
    expect(list.status).toBe(400);
    expect(list.json.error.param).toBe('limit');
    const unknownCursor = await t.api('GET', '/api/v1/webhooks/deliveries?cursor=msg_nope');
    expect(unknownCursor.status).toBe(400);
    expect(unknownCursor.json.error.param).toBe('cursor');
    expect((await t.api('GET', '/api/v1/webhooks/deliveries/msg_nope')).status).toBe(404);
  });
});

describe('webhook retry window', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway('pglite', {
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
      REELAY_WEBHOOK_BACKOFF_MS: '100',
      REELAY_WEBHOOK_RETRY_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('marks a delivery failed once retrying would go past the window, and a replay starts it again', async () => {
    const receiver = await startReceiver([]);
    const url = receiver.url;
    await receiver.close();
    const created = await t.api('POST', '/api/v1/generations', { ...REQUEST, webhookUrl: url });
    await waitForFinal(t, created.json.id);
    const given = await eventually('deliveries to give up', async () => {
      const list = await t.api('GET', `/api/v1/webhooks/deliveries?generationId=${created.json.id}`);
      return (
        list.json.data.length === 2 &&
        list.json.data.every((d: { state: string }) => d.state === 'failed') &&
        list.json.data
      );
    });
    expect(given[0].attempts).toBeGreaterThan(1);
    expect(given[0].nextAttemptAt).toBeNull();
    const failedOnly = await t.api('GET', '/api/v1/webhooks/deliveries?state=failed');
    expect(failedOnly.json.data.length).toBeGreaterThanOrEqual(2);
    const replay = await t.api('POST', `/api/v1/webhooks/deliveries/${given[0].id}/replay`);
    expect(replay.json).toMatchObject({ id: given[0].id, state: 'pending' });
  });
});

describe('webhooks and addresses that are not public', () => {
  let t: TestGateway;
  beforeAll(async () => {
    // http is allowed (the receiver is plain http on loopback), private addresses are not: production's guard.
    t = await startGateway('pglite', {
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_WORKER_CONCURRENCY: '0',
      REELAY_WEBHOOK_BACKOFF_MS: '60000',
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it.each([
    ['http://127.0.0.1:9/hooks', /127\.0\.0\.1 is a loopback address/],
    ['http://2130706433/hooks', /127\.0\.0\.1 is a loopback address/],
    ['http://[::ffff:10.0.0.1]/hooks', /10\.0\.0\.1 is a private network address/],
    ['https://169.254.169.254/latest/meta-data', /169\.254\.169\.254 is a link-local address/],
    ['https://[fd00::1]/hooks', /unique local/],
    ['http://localhost:8080/hooks', /localhost is not one/],
    ['https://app.localhost./hooks', /localhost is not one/],
  ])('refuses the webhookUrl %s at create, naming the field', async (webhookUrl, message) => {
    const r = await t.api('POST', '/api/v1/generations', { ...REQUEST, webhookUrl });
    expect(r.status).toBe(422);
    const detail = r.json.error.details.find((d: { param: string }) => d.param === 'webhookUrl');
    expect(detail?.message).toMatch(message);
  });

  it('sends through the SSRF guard: a receiver that turns out to be on loopback is never called', async () => {
    const receiver = await startReceiver([]);
    try {
      const created = await t.api('POST', '/api/v1/generations', {
        ...REQUEST,
        webhookUrl: 'https://hooks.example.com/reelay',
      });
      expect(created.status).toBe(202);
      // As if the name now resolved to this machine: the stored URL points at the loopback receiver.
      await t.gateway.db.query('UPDATE generations SET webhook_url = $2 WHERE id = $1', [
        created.json.id,
        receiver.url,
      ]);
      expect((await t.api('POST', `/api/v1/generations/${created.json.id}/cancel`)).status).toBe(200);
      const [delivery] = await eventually('a refused attempt', async () => {
        const list = await t.api('GET', `/api/v1/webhooks/deliveries?generationId=${created.json.id}`);
        return list.json.data.length === 1 && list.json.data[0].attempts >= 1 && list.json.data;
      });
      expect(delivery).toMatchObject({
        state: 'pending',
        lastStatus: null,
        eventType: 'generation.canceled',
      });
      expect(delivery.lastError).toMatch(/127\.0\.0\.1 is a loopback address/);
      expect(receiver.received).toEqual([]);
    } finally {
      await receiver.close();
    }
  });
});
