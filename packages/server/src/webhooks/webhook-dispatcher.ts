import type { Database } from '../db/database.ts';
import { randomBase62 } from '../ids.ts';
import type { Metrics } from '../observability/metrics.ts';
import { NO_TRACING, type SpanHandle, type Tracing } from '../observability/tracing.ts';
import { generationTraceContext } from '../store/generations.ts';
import {
  claimDelivery,
  msUntilNextDelivery,
  recordDeliveryAttempt,
  unlockDelivery,
  WEBHOOKS_CHANNEL,
} from '../store/webhook-deliveries.ts';
import type { WebhookSecretRow } from '../store/webhook-secrets.ts';
import { WakeUp } from '../wake-up.ts';
import { signWebhook } from './sign-webhook.ts';
import { webhookBackoffMs } from './webhook-backoff.ts';
import { type WebhookDelivery, webhookPayload } from './webhook-deliveries.ts';
import { currentSecret, signingSecrets, webhookSecretOf } from './webhook-secrets.ts';

/** NOTIFY channel the events trigger announces new deliveries on. */
export { WEBHOOKS_CHANNEL };

export interface WebhookSettings {
  /** Loops sending at once in this process; 0 sends nothing here. */
  concurrency: number;
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Retries stop this long after the first attempt (or a replay). */
  retryWindowMs: number;
  /** Longest sleep between looks for due deliveries (NOTIFY wakes sooner). */
  pollIntervalMs: number;
}

export interface WebhookDispatcherDeps {
  db: Database;
  /** Sends the request; the SSRF-guarded fetch in production. */
  fetch: typeof fetch;
  publicUrl: string;
  /** Unix seconds for `webhook-timestamp`. */
  now?: () => number;
  log: { warn(obj: unknown, msg: string): void };
  /** Where attempts are counted by outcome, with their lag behind the event (none when unset). */
  metrics?: Metrics;
  /**
   * Where each attempt is traced (`webhook.deliver`), as a child of its generation's stored trace when it has one;
   * none when unset.
   */
  tracing?: Tracing;
  /**
   * The body of a delivery sent in another shape (a compat API's own webhook), or null for Reelay's
   * `{type, timestamp, data}`. Signed and retried the same either way.
   */
  bodyFor?: (d: WebhookDelivery) => Promise<string | null>;
}

/** A body from the first of the shapes that claims the delivery (a compat API's), else null (Reelay's own). */
export function firstBody(
  shapes: readonly ((d: WebhookDelivery) => Promise<string | null>)[],
): (d: WebhookDelivery) => Promise<string | null> {
  return async (d) => {
    for (const shape of shapes) {
      const body = await shape(d);
      if (body !== null) return body;
    }
    return null;
  };
}

/**
 * Sends webhook deliveries from the database: any process may send any delivery, each one is held by one
 * sender at a time under a lease, failures are retried with exponential backoff until the retry window
 * closes, and every attempt is recorded. Sending never blocks a generation: it only reads their events.
 */
export class WebhookDispatcher {
  readonly id = `whd_${randomBase62(10)}`;
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private readonly wake = new WakeUp();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly deps: WebhookDispatcherDeps,
    private readonly settings: WebhookSettings,
  ) {}

  async start(): Promise<void> {
    if (this.settings.concurrency === 0) return;
    this.unlisten = await this.deps.db.listen(WEBHOOKS_CHANNEL, () => this.wake.wakeAll());
    for (let i = 0; i < this.settings.concurrency; i++) this.loops.push(this.loop());
  }

  /** Stops sending; a delivery cut short is handed back at once for another sender. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wake.wakeAll();
    await Promise.allSettled(this.loops);
    await this.unlisten?.();
  }

  private async loop(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        if (await this.sendOne()) continue;
        await this.wake.sleep(await this.msUntilNextDue());
      } catch (error) {
        if (this.abort.signal.aborted) break;
        this.deps.log.warn({ err: error }, 'webhook loop error');
        await this.wake.sleep(this.settings.pollIntervalMs);
      }
    }
  }

  private async msUntilNextDue(): Promise<number> {
    const ms = await msUntilNextDelivery(this.deps.db);
    if (ms === null) return this.settings.pollIntervalMs;
    return Math.min(Math.max(ms, 5), this.settings.pollIntervalMs);
  }

  /** Claims one due delivery and makes one attempt; false when none was due. */
  async sendOne(): Promise<boolean> {
    const leaseSeconds = this.settings.timeoutMs / 1000 + 10;
    const claimed = await claimDelivery(this.deps.db, this.id, leaseSeconds);
    if (!claimed) return false;
    await this.tracedAttempt(claimed.delivery, claimed.secret);
    return true;
  }

  /**
   * One attempt in a `webhook.deliver` span, continuing the trace its generation was created in (an alert's
   * delivery starts a trace of its own). The span names the delivery, its event and the attempt, and tells the
   * answer's status and the outcome; never the URL, the body or a secret.
   */
  private async tracedAttempt(d: WebhookDelivery, secret: WebhookSecretRow | null): Promise<void> {
    const tracing = this.deps.tracing ?? NO_TRACING;
    if (!tracing.enabled) return this.attempt(d, secret, null);
    const parent =
      d.generationId === null ? null : await generationTraceContext(this.deps.db, d.generationId);
    return tracing.continueFrom(
      parent,
      'webhook.deliver',
      {
        'reelay.delivery_id': d.id,
        'reelay.event_type': d.eventType,
        'reelay.attempt': d.attempts + 1,
        ...(d.generationId === null ? {} : { 'reelay.generation_id': d.generationId }),
      },
      (span) => this.attempt(d, secret, span),
    );
  }

  /** One attempt, signed with `secret` (read as the delivery was claimed; made first when the account has none). */
  private async attempt(
    d: WebhookDelivery,
    secret: WebhookSecretRow | null,
    span: SpanHandle | null,
  ): Promise<void> {
    const { db } = this.deps;
    const body = (await this.deps.bodyFor?.(d)) ?? webhookPayload(d, this.deps.publicUrl);
    const timestamp = this.deps.now?.() ?? Math.floor(Date.now() / 1000);
    const secrets = signingSecrets(secret ? currentSecret(secret) : await webhookSecretOf(db, d));
    const startedAt = new Date();
    let status: number | null = null;
    let error: string | null = null;
    // A plain timer, not AbortSignal.timeout: Node 20 may collect a timeout signal held only by any().
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.settings.timeoutMs);
    const signal = AbortSignal.any([this.abort.signal, timeout.signal]);
    try {
      const response = await this.deps.fetch(d.url, {
        method: 'POST',
        redirect: 'manual',
        signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Reelay-Webhooks/1',
          'webhook-id': d.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(secrets, d.id, timestamp, body),
        },
        body,
      });
      status = response.status;
      await response.body?.cancel().catch(() => {});
    } catch (e) {
      if (this.abort.signal.aborted) {
        span?.setAttributes({ 'reelay.outcome': 'interrupted' });
        await unlockDelivery(db, d.id, this.id);
        return;
      }
      error = signal.aborted ? `no answer within ${this.settings.timeoutMs} ms` : describe(e);
    } finally {
      clearTimeout(timer);
    }
    const ok = status !== null && status >= 200 && status < 300;
    if (!ok && error === null) error = `answered ${status}`;
    const attempts = d.attempts + 1;
    const retryAt =
      Date.now() + webhookBackoffMs(attempts, this.settings.backoffBaseMs, this.settings.backoffMaxMs);
    const gaveUp = !ok && retryAt - d.retryFrom.getTime() > this.settings.retryWindowMs;
    const outcome = ok ? 'succeeded' : gaveUp ? 'failed' : 'retrying';
    this.deps.metrics?.webhookDelivery(outcome, (startedAt.getTime() - d.createdAt.getTime()) / 1000);
    span?.setAttributes({
      'reelay.outcome': outcome,
      ...(status === null ? { 'reelay.error': 'no_answer' } : { 'http.response.status_code': status }),
    });
    await recordDeliveryAttempt(db, {
      id: d.id,
      senderId: this.id,
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      status,
      error,
      state: ok ? 'succeeded' : gaveUp ? 'failed' : 'pending',
      retryInSeconds: Math.max(0, retryAt - Date.now()) / 1000,
    });
  }
}

/** A network error with its causes ("fetch failed: connect ECONNREFUSED 127.0.0.1:9"), not undici's bare message. */
function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    parts.push(current.message);
    current = current.cause;
  }
  return (parts.join(': ') || String(error)).slice(0, 500);
}
