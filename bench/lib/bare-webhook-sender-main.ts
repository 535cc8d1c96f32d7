/**
 * The webhooks benchmark's baseline: a bare HTTP sender. Reads the bodies of the deliveries made after
 * BENCH_SINCE from the database first (`{type, timestamp, data}` with the stored snapshot), then posts them
 * to their URLs with node's fetch, BENCH_CONCURRENCY at a time, each signed like the gateway signs (Standard Webhooks headers,
 * HMAC-SHA256) with one secret, and no database work while sending. Env: BENCH_DATABASE_URL,
 * BENCH_SINCE, BENCH_CONCURRENCY. Sends `{ ready: { sent, seconds } }`: seconds from the first answer to the last.
 */
import pg from 'pg';
import { newWebhookSecret, signWebhook } from '../../packages/server/src/webhooks/sign-webhook.ts';

const db = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL });
await db.connect();
const { rows } = await db.query<{ id: string; url: string; body: string }>(
  `SELECT id, url, jsonb_build_object('type', event_type, 'timestamp', created_at, 'data', snapshot)::text AS body
   FROM webhook_deliveries WHERE created_at > $1::timestamptz ORDER BY created_at`,
  [process.env.BENCH_SINCE],
);
await db.end();
const secrets = [newWebhookSecret()];
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
const answered: number[] = [];
let next = 0;

async function loop(): Promise<void> {
  while (next < rows.length) {
    const d = rows[next++] as (typeof rows)[number];
    const timestamp = Math.floor(Date.now() / 1000);
    const r = await fetch(d.url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'bench-sender',
        'webhook-id': d.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(secrets, d.id, timestamp, d.body),
      },
      body: d.body,
    });
    await r.body?.cancel().catch(() => {});
    if (r.status < 200 || r.status >= 300) throw new Error(`receiver answered ${r.status}`);
    answered.push(performance.now());
  }
}

await Promise.all(Array.from({ length: concurrency }, loop));
const seconds = ((answered.at(-1) ?? 0) - (answered[0] ?? 0)) / 1000;
process.send?.({ ready: { sent: answered.length, seconds } }, () => process.exit(0));
