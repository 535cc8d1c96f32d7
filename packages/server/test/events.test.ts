import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { DATABASES, onPostgres, type TestGateway, waitForFinal } from './harness.ts';
import { startLoopbackGateway, videoRequest } from './loopback-gateway.ts';
import { readSse } from './sse-client.ts';

const REQUEST = videoRequest('events test');

describe.each(DATABASES)('generation events on %s', (kind) => {
  let t: TestGateway;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ t, stop } = await startLoopbackGateway(kind, {
      name: 'events',
      upstream: { taskMs: 1500 },
      env: { REELAY_SSE_HEARTBEAT_MS: '100' },
    }));
  });
  afterAll(async () => {
    await stop?.();
  });

  const eventsUrl = (id: string) => `${t.baseUrl}/api/v1/generations/${id}/events`;
  const auth = () => ({ authorization: `Bearer ${t.key}` });

  it('streams every status change and progress step, and a reconnect with Last-Event-ID misses none', async () => {
    const created = await t.api('POST', '/api/v1/generations', REQUEST);
    expect(created.status).toBe(202);
    const id = created.json.id as string;

    const first = await readSse(eventsUrl(id), auth(), (events) => events.length >= 2);
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/^text\/event-stream/);
    expect(first.ended).toBe(false);
    expect(first.events[0]).toMatchObject({
      event: 'generation.queued',
      data: { generationId: id, status: 'queued' },
    });

    // Everything after the disconnect happens while no one listens.
    await waitForFinal(t, id);
    const lastSeen = first.events.at(-1)?.id as string;
    const second = await readSse(eventsUrl(id), { ...auth(), 'last-event-id': lastSeen });
    expect(second.ended).toBe(true);

    const stored = await t.gateway.db.query<{ id: number; type: string }>(
      'SELECT id, type FROM generation_events WHERE generation_id = $1 ORDER BY id',
      [id],
    );
    const seen = [...first.events, ...second.events];
    expect(seen.map((e) => Number(e.id))).toEqual(stored.map((e) => e.id));
    expect(seen.map((e) => e.event)).toEqual(stored.map((e) => e.type));
    const types = seen.map((e) => e.event);
    expect(types).toContain('generation.running');
    expect(types.filter((type) => type === 'generation.progress').length).toBeGreaterThan(0);
    expect(types.at(-1)).toBe('generation.succeeded');
    expect(seen.at(-1)?.data.generation).toMatchObject({ id, status: 'succeeded', chargedTokens: 25.5 });
    // Its outputs are signed links, as GET gives them: they open without the key.
    const output = seen.at(-1)?.data.generation.outputs[0];
    expect(output.url).toMatch(/\/files\/asset_\w+\?expires=\d+&signature=/);
    const opened = await fetch(output.url.replace(/^https?:\/\/[^/]+/, t.baseUrl));
    expect(opened.status).toBe(200);
    expect(Number(opened.headers.get('content-length'))).toBe(output.bytes);
    const progress = seen
      .filter((e) => e.event === 'generation.progress')
      .map((e) => e.data.progress as number);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    // A fresh stream replays the whole history and ends; one resumed after the end ends at once.
    const replay = await readSse(eventsUrl(id), auth());
    expect(replay.events.map((e) => e.id)).toEqual(seen.map((e) => e.id));
    const after = await readSse(eventsUrl(id), { ...auth(), 'last-event-id': seen.at(-1)?.id as string });
    expect(after).toMatchObject({ status: 200, events: [], ended: true });
  });

  it('refuses an unknown generation and a malformed Last-Event-ID', async () => {
    const unknown = await t.api('GET', '/api/v1/generations/gen_nope/events');
    expect(unknown.status).toBe(404);
    const created = await t.api('POST', '/api/v1/generations', REQUEST);
    const bad = await t.api('GET', `/api/v1/generations/${created.json.id}/events`, undefined, {
      'last-event-id': 'yesterday',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.param).toBe('Last-Event-ID');
    await waitForFinal(t, created.json.id);
  });

  onPostgres(kind)(
    'shows a change made by a worker in another process to a watcher on an API process',
    async () => {
      const config = t.gateway.config;
      let api: Gateway | null = null;
      try {
        api = await createGateway(loadConfig({ ...envOf(config), REELAY_SSE_HEARTBEAT_MS: '100' }), {
          role: 'api',
        });
        await api.http.listen({ port: 0, host: '127.0.0.1' });
        const address = api.http.server.address();
        if (address === null || typeof address === 'string') throw new Error('no port');
        const apiUrl = `http://127.0.0.1:${address.port}`;
        const created = await fetch(`${apiUrl}/api/v1/generations`, {
          method: 'POST',
          headers: { ...auth(), 'content-type': 'application/json' },
          body: JSON.stringify(REQUEST),
        });
        const id = ((await created.json()) as { id: string }).id;
        const stream = await readSse(`${apiUrl}/api/v1/generations/${id}/events`, auth());
        expect(stream.ended).toBe(true);
        expect(stream.events.map((e) => e.event)).toContain('generation.running');
        expect(stream.events.at(-1)?.event).toBe('generation.succeeded');
        expect(stream.comments).toBeGreaterThan(0);
      } finally {
        await api?.close();
      }
    },
  );
});

/** The environment that makes the same config for a second process on the same database and folders. */
function envOf(config: Gateway['config']): Record<string, string> {
  if (config.database.driver !== 'postgres') throw new Error('needs PostgreSQL');
  return {
    DATABASE_URL: config.database.url,
    REELAY_DATA_DIR: config.dataDir,
    REELAY_DEV_ACCOUNT: 'off',
    PORT: '0',
  };
}
