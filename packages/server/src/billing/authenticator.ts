import type { Database } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { addRequestCounts, type LiveKey, liveKey, type RequestCount } from '../store/limits.ts';
import { hashKey, keyMode, type Principal } from './api-keys.ts';
import type { LimitDefaults } from './limits.ts';

/** NOTIFY channel migration 016 announces changed keys on: a key's hash, or `*` for all of them. */
export const KEY_CHANGES_CHANNEL = 'reelay_key_changes';

/** How long a key is kept in memory before it is read again (its revocation is announced at once regardless). */
const KEY_TTL_MS = 60_000;
/** How often requests counted in memory are added to the shared windows in the database. */
const FLUSH_EVERY_MS = 1_000;
/** How often one process records that a key was used (the database keeps the same once-a-minute rule). */
const TOUCH_EVERY_MS = 60_000;
/** Keys kept at most; past it the memory starts again empty. */
const MAX_KEYS = 10_000;
const MINUTE_MS = 60_000;
/** How long a change made here waits to hear its own announcement before answering anyway. */
const HEAR_WITHIN_MS = 2_000;

/** Changes to keys and per-key rates, as the admin actions make them (see `Authenticator.change`). */
export interface KeyChanges {
  change<T>(work: () => Promise<T>, announced: (result: T) => string | null): Promise<T>;
}

interface KnownKey {
  hash: string;
  principal: Principal;
  limit: number;
  loadedAt: number;
  /** Start (ms) of the minute `count` belongs to. */
  window: number;
  /** Requests of the key in that minute as far as this process knows: every process's, as of the last flush, plus its own since. */
  count: number;
}

const windowOf = (now: number) => now - (now % MINUTE_MS);
const countKey = (keyId: string, window: number) => `${keyId} ${window}`;

/**
 * Turns a Bearer key into its principal and counts the request against the key's rate, without writing to the
 * database on the way.
 *
 * A key is read once (one statement, which also records its last use at most once a minute) and kept in memory
 * for a minute. Whatever changes a key or an account's rate commits a NOTIFY (migration 016) that every process
 * hears and forgets the key at once, so a revoked key is refused immediately everywhere; while this process's
 * listening connection is down, nothing is kept and every request reads the key.
 *
 * Requests are counted in memory and added to the key's shared minute window (`rate_windows`) every second in
 * one statement per process, which returns every process's total: one process alone decides exactly, several
 * processes decide on each other's counts up to a second old. Limits that involve money (balances, budgets,
 * concurrency) are never decided here but in the create transaction.
 */
export class Authenticator implements KeyChanges {
  private readonly keys = new Map<string, KnownKey>();
  private readonly byId = new Map<string, KnownKey>();
  private readonly loading = new Map<string, Promise<KnownKey | null>>();
  /** When this process last recorded each key's use, by key hash. */
  private readonly lastTouched = new Map<string, number>();
  /** Requests counted here and not yet added to the shared windows, by `keyId window`. */
  private unflushed = new Map<string, RequestCount>();
  private listening = false;
  private unlisten: (() => Promise<void>) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private relisten: NodeJS.Timeout | null = null;
  private closed = false;
  /** Bumped by every change heard, so a read that overlapped a change is not kept. */
  private changes = 0;
  /** The value of `changes` when each payload was last heard (bounded like the keys). */
  private readonly heardAt = new Map<string, number>();
  private readonly hearing = new Set<{ payload: string; heard: () => void }>();

  constructor(
    private readonly db: Database,
    private readonly limits: LimitDefaults,
    private readonly log?: { warn(details: object, message: string): void },
  ) {}

  /** Listens for key changes and starts adding counts to the database every second. */
  async start(): Promise<void> {
    await this.listen();
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  async admit(key: string): Promise<{ principal: Principal | null; refusal: ApiError | null }> {
    if (keyMode(key) === null) return { principal: null, refusal: null };
    const hash = hashKey(key);
    const known = await this.known(hash);
    if (!known) return { principal: null, refusal: null };
    const now = Date.now();
    const window = windowOf(now);
    if (known.window !== window) {
      known.window = window;
      known.count = this.unflushed.get(countKey(known.principal.keyId, window))?.count ?? 0;
    }
    known.count += 1;
    this.countLocally(known.principal.keyId, window);
    const refusal =
      known.count > known.limit
        ? new ApiError(
            'rate_limited',
            429,
            `This key may send ${known.limit} requests a minute; wait before retrying.`,
            { retryAfterSeconds: Math.max(1, Math.ceil((window + MINUTE_MS - now) / 1000)) },
          )
        : null;
    return { principal: known.principal, refusal };
  }

  /** Whether keys are kept in memory now: only while this process hears key changes. */
  get keepsKeys(): boolean {
    return this.listening;
  }

  /** Forgets every key kept here. */
  forgetAll(): void {
    this.keys.clear();
    this.byId.clear();
  }

  /**
   * Runs a change to keys or rates (`work`) and answers once this process has heard the change announced
   * (`announced` names the payload the commit sends, or null when nothing was announced). PostgreSQL hands a
   * notification to every listening session at commit, and this process's own session hears it in commit order,
   * so by then the change is in force here and on its way to every other process, which acts on it as soon as
   * it reads its listening connection (milliseconds).
   */
  async change<T>(work: () => Promise<T>, announced: (result: T) => string | null): Promise<T> {
    const since = this.changes;
    const result = await work();
    const payload = announced(result);
    if (payload === null) return result;
    this.forget(payload);
    if (!this.listening || (this.heardAt.get(payload) ?? -1) > since) return result;
    await new Promise<void>((resolve) => {
      const waiter = { payload, heard: () => done() };
      const timer = setTimeout(() => done(), HEAR_WITHIN_MS);
      const done = () => {
        clearTimeout(timer);
        this.hearing.delete(waiter);
        resolve();
      };
      this.hearing.add(waiter);
    });
    return result;
  }

  /** Adds the requests counted here to the shared windows; resolves when they are written (or could not be). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flushOnce());
    return this.flushOnce();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.hearing) waiter.heard();
    if (this.timer) clearInterval(this.timer);
    if (this.relisten) clearTimeout(this.relisten);
    await this.flush();
    await this.unlisten?.();
    this.unlisten = null;
    this.forgetAll();
  }

  private flushOnce(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.unflushed.size === 0) return Promise.resolve();
    const batch = this.unflushed;
    this.unflushed = new Map();
    this.flushing = addRequestCounts(this.db, [...batch.values()])
      .then((totals) => {
        for (const total of totals) {
          const known = this.byId.get(total.keyId);
          const window = total.windowStart.getTime();
          if (!known || known.window !== window) continue;
          // Every process's requests as recorded, plus this process's since the batch left.
          known.count = total.count + (this.unflushed.get(countKey(total.keyId, window))?.count ?? 0);
        }
      })
      .catch((error: unknown) => {
        // Kept for the next flush: the counts are added to, never lost.
        for (const [k, c] of batch) this.countLocally(c.keyId, c.windowStart.getTime(), c.count, k);
        this.log?.warn({ err: error }, 'could not record request counts; retrying');
      })
      .finally(() => {
        this.flushing = null;
      });
    return this.flushing;
  }

  private countLocally(keyId: string, window: number, n = 1, k = countKey(keyId, window)): void {
    const pending = this.unflushed.get(k);
    if (pending) pending.count += n;
    else this.unflushed.set(k, { keyId, windowStart: new Date(window), count: n });
  }

  /** The live key with this hash, from memory while it is fresh and the change listener is up, else read. */
  private async known(hash: string): Promise<KnownKey | null> {
    const now = Date.now();
    const kept = this.keys.get(hash);
    if (kept && this.listening && now - kept.loadedAt < KEY_TTL_MS) return kept;
    let loading = this.loading.get(hash);
    if (!loading) {
      loading = this.load(hash, now).finally(() => this.loading.delete(hash));
      this.loading.set(hash, loading);
    }
    return loading;
  }

  private async load(hash: string, now: number): Promise<KnownKey | null> {
    const touch = now - (this.lastTouched.get(hash) ?? Number.NEGATIVE_INFINITY) >= TOUCH_EVERY_MS;
    const window = windowOf(now);
    // Listening first: a change announced while the key is read makes the read's result stale, so it is not kept.
    const listeningBefore = this.listening;
    const generation = this.changes;
    const live: LiveKey | null = await liveKey(this.db, hash, this.limits, new Date(window), touch);
    if (touch) {
      if (this.lastTouched.size >= MAX_KEYS) this.lastTouched.clear();
      this.lastTouched.set(hash, now);
    }
    if (!live) return null;
    const known: KnownKey = {
      hash,
      principal: live.principal,
      limit: live.limit,
      loadedAt: now,
      window,
      count: live.counted + (this.unflushed.get(countKey(live.principal.keyId, window))?.count ?? 0),
    };
    // The count carries on from what this process already knew of the window (a flush may not have landed yet).
    const previous = this.byId.get(live.principal.keyId);
    if (previous && previous.window === window) known.count = Math.max(known.count, previous.count);
    if (listeningBefore && this.listening && generation === this.changes) {
      if (this.keys.size >= MAX_KEYS) this.forgetAll();
      this.keys.set(hash, known);
      this.byId.set(live.principal.keyId, known);
    }
    return known;
  }

  private heard(payload: string): void {
    this.changes += 1;
    if (this.heardAt.size >= MAX_KEYS) this.heardAt.clear();
    this.heardAt.set(payload, this.changes);
    for (const waiter of this.hearing) if (waiter.payload === payload) waiter.heard();
    this.forget(payload);
  }

  private forget(payload: string): void {
    if (payload === '*') {
      this.forgetAll();
      return;
    }
    const kept = this.keys.get(payload);
    this.keys.delete(payload);
    if (kept) this.byId.delete(kept.principal.keyId);
  }

  private async listen(): Promise<void> {
    this.unlisten = await this.db.listen(KEY_CHANGES_CHANNEL, (payload) => this.heard(payload), {
      onLost: () => {
        this.listening = false;
        this.changes += 1;
        this.forgetAll();
        for (const waiter of this.hearing) waiter.heard();
        this.unlisten = null;
        this.retryListen();
      },
    });
    this.listening = true;
  }

  private retryListen(): void {
    if (this.closed || this.relisten) return;
    this.relisten = setTimeout(() => {
      this.relisten = null;
      if (this.closed) return;
      this.listen().catch((error: unknown) => {
        this.log?.warn({ err: error }, 'could not listen for key changes; keys are read on every request');
        this.retryListen();
      });
    }, 1000);
    this.relisten.unref();
  }
}
