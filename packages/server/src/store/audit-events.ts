import type { Json } from '@reelay/catalog';
import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import { readRow } from './row-reader.ts';

/** What an audit event records, as {@link insertAuditEvent} writes it. */
export interface NewAuditEvent {
  /** `admin`, or the id of the key that asked. */
  actor: string;
  clientIp: string | null;
  action: string;
  accountId: string | null;
  targetId: string | null;
  details: { [key: string]: Json };
}

/** An `audit_events` row. */
export interface AuditEventRecord extends NewAuditEvent {
  id: number;
  createdAt: Date;
}

/** Records one change; call it in the transaction of the change. */
export async function insertAuditEvent(tx: Queryable, e: NewAuditEvent): Promise<void> {
  await runSql(
    tx,
    sql`INSERT INTO audit_events (actor, client_ip, action, account_id, target_id, details)
     VALUES (${e.actor}, ${e.clientIp}, ${e.action}, ${e.accountId}, ${e.targetId}, ${JSON.stringify(e.details)}::jsonb)`,
  );
}

/** What a page of the audit log is filtered by (each optional) and where it starts. */
export interface AuditQuery {
  accountId: string | null;
  action: string | null;
  actor: string | null;
  from: Date | null;
  to: Date | null;
  limit: number;
  /** Only events older than this id (the cursor). */
  before: number | null;
}

/** One page of the audit log, newest first. */
export async function auditPage(
  db: Queryable,
  q: AuditQuery,
): Promise<{ data: AuditEventRecord[]; nextCursor: string | null }> {
  const rows = await runSql(
    db,
    sql`SELECT * FROM audit_events
     WHERE (${q.accountId}::text IS NULL OR account_id = ${q.accountId})
       AND (${q.action}::text IS NULL OR action = ${q.action})
       AND (${q.actor}::text IS NULL OR actor = ${q.actor})
       AND (${q.from}::timestamptz IS NULL OR created_at >= ${q.from})
       AND (${q.to}::timestamptz IS NULL OR created_at < ${q.to})
       AND (${q.before}::bigint IS NULL OR id < ${q.before})
     ORDER BY id DESC LIMIT ${q.limit + 1}`,
  );
  const data = rows.slice(0, q.limit).map((row) => {
    const r = readRow(row);
    return {
      id: r.number('id'),
      createdAt: r.date('created_at'),
      actor: r.text('actor'),
      clientIp: r.textOrNull('client_ip'),
      action: r.text('action'),
      accountId: r.textOrNull('account_id'),
      targetId: r.textOrNull('target_id'),
      details: r.json<{ [key: string]: Json }>('details'),
    };
  });
  const last = data.at(-1);
  return { data, nextCursor: rows.length > q.limit && last ? String(last.id) : null };
}
