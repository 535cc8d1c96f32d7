import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import { type Row, readRow } from './row-reader.ts';

/** What an `Idempotency-Key` holds: the hash of its first request and, once answered, that answer. */
export interface KeptAnswer {
  requestHash: string;
  /** Null while the first request is still running. */
  status: number | null;
  body: unknown;
  /** While unanswered: how long the first request's hold lasts unless renewed. */
  leaseLeftMs: number;
}

/** When an unanswered key's hold ends (rows from before leases: 120 s after their creation). */
const LEASE_END = sql`COALESCE(i.lease_until, i.created_at + interval '120 seconds')`;

const keptFromRow = (row: Row): KeptAnswer => {
  const r = readRow(row);
  return {
    requestHash: r.text('request_hash'),
    status: r.numberOrNull('status'),
    body: r.json('body'),
    leaseLeftMs: r.numberOrNull('lease_left_ms') ?? 0,
  };
};

/** The `idempotency_keys` table: one row per scope (an account's mode, or the operator) and key. */
export class IdempotencyKeys {
  constructor(private readonly db: Queryable) {}

  /**
   * One statement claims the key — new, expired (24 h, taken over as new) or abandoned (no answer and its lease
   * lapsed: the process that held it is gone) by a first request of the same hash — and otherwise reads what it
   * holds. A claim holds the key for `leaseMs`, renewed by {@link renew} while the request runs. `held` is null
   * when no row was visible to the statement (one committed while the claim waited).
   */
  async claim(
    scope: string,
    key: string,
    requestHash: string,
    leaseMs: number,
  ): Promise<{ claimed: boolean; held: KeptAnswer | null }> {
    const s = sql`${scope}`;
    const k = sql`${key}`;
    const hash = sql`${requestHash}`;
    const lease = sql`now() + make_interval(secs => ${leaseMs / 1000})`;
    const rows = await runSql(
      this.db,
      sql`WITH claim AS (
         INSERT INTO idempotency_keys AS i (account_id, key, request_hash, lease_until) VALUES (${s}, ${k}, ${hash}, ${lease})
         ON CONFLICT (account_id, key) DO UPDATE
           SET created_at = now(), request_hash = ${hash}, status = NULL, body = NULL, lease_until = ${lease}
           WHERE i.created_at < now() - interval '24 hours'
             OR (i.status IS NULL AND i.request_hash = ${hash}
               AND ${LEASE_END} < now())
         RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM claim) AS claimed, i.request_hash, i.status, i.body,
         GREATEST(0, EXTRACT(EPOCH FROM (${LEASE_END} - now())) * 1000)::float8 AS lease_left_ms
       FROM (SELECT 1) AS one LEFT JOIN idempotency_keys i ON i.account_id = ${s} AND i.key = ${k}`,
    );
    const row = rows[0];
    if (!row) return { claimed: false, held: null };
    const claimed = readRow(row).boolean('claimed');
    return { claimed, held: row.request_hash ? keptFromRow(row) : null };
  }

  /** Extends a running first request's hold on its key; false when the key is no longer held unanswered. */
  async renew(scope: string, key: string, leaseMs: number): Promise<boolean> {
    const rows = await runSql(
      this.db,
      sql`UPDATE idempotency_keys SET lease_until = now() + make_interval(secs => ${leaseMs / 1000})
          WHERE account_id = ${scope} AND key = ${key} AND status IS NULL RETURNING 1`,
    );
    return rows.length > 0;
  }

  /** What the key holds now, or null. */
  async read(scope: string, key: string): Promise<KeptAnswer | null> {
    const rows = await runSql(
      this.db,
      sql`SELECT request_hash, status, body,
            GREATEST(0, EXTRACT(EPOCH FROM (${LEASE_END} - now())) * 1000)::float8 AS lease_left_ms
          FROM idempotency_keys i WHERE account_id = ${scope} AND key = ${key}`,
    );
    return rows[0] ? keptFromRow(rows[0]) : null;
  }

  /** Keeps the first request's answer. */
  async keep(scope: string, key: string, status: number, body: string): Promise<void> {
    await runSql(
      this.db,
      sql`UPDATE idempotency_keys SET status = ${status}, body = ${body} WHERE account_id = ${scope} AND key = ${key}`,
    );
  }

  /** Frees a key whose request has not been answered, so a retry is answered afresh. */
  async release(scope: string, key: string): Promise<void> {
    await runSql(
      this.db,
      sql`DELETE FROM idempotency_keys WHERE account_id = ${scope} AND key = ${key} AND status IS NULL`,
    );
  }
}
