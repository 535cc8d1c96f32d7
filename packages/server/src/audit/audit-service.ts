import type { AuditEvent } from '@reelay/contract';
import type { Database } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { type AuditEventRecord, type AuditQuery, auditPage } from '../store/audit-events.ts';

/** Who asked for a change and from where: the admin key, or an API key by its id; the client's address. */
export interface Actor {
  /** `admin`, or a key id. */
  actor: string;
  clientIp: string | null;
}

export const adminActor = (clientIp: string | null): Actor => ({ actor: 'admin', clientIp });
export const keyActor = (keyId: string, clientIp: string | null): Actor => ({ actor: keyId, clientIp });

/** The public JSON of an audit event. */
export const auditEventJson = (e: AuditEventRecord): AuditEvent => ({
  id: e.id,
  action: e.action,
  actor: e.actor,
  clientIp: e.clientIp,
  accountId: e.accountId,
  targetId: e.targetId,
  details: e.details,
  createdAt: e.createdAt.toISOString(),
});

/**
 * The operator's audit log, read page by page. Events are written by the services that make the changes
 * (billing/accounts.ts), each in the transaction of its change.
 */
export class AuditService {
  constructor(private readonly db: Database) {}

  async list(q: AuditQuery): Promise<{ data: AuditEvent[]; nextCursor: string | null }> {
    if (q.from && q.to && q.from >= q.to) {
      throw new ApiError('invalid_request', 400, 'from must be before to.', { param: 'from' });
    }
    const page = await auditPage(this.db, q);
    return { data: page.data.map(auditEventJson), nextCursor: page.nextCursor };
  }
}
