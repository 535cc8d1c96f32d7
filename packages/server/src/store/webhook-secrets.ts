import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import type { Owner } from '../key-mode.ts';
import { type Row, readRow } from './row-reader.ts';

/** A `webhook_secrets` row. */
export interface WebhookSecretRow {
  secret: string;
  previousSecret: string | null;
  previousExpiresAt: Date | null;
  rotatedAt: Date;
}

function secretFromRow(row: Row | undefined): WebhookSecretRow {
  if (!row) throw new Error('the statement returned no webhook secret');
  return secretFromColumns(row, '');
}

/** The secret in a row whose secret columns are named with `prefix` (a statement that read it beside another). */
export function secretFromColumns(row: Row, prefix: string): WebhookSecretRow {
  const r = readRow(row);
  return {
    secret: r.text(`${prefix}secret`),
    previousSecret: r.textOrNull(`${prefix}previous_secret`),
    previousExpiresAt: r.dateOrNull(`${prefix}previous_expires_at`),
    rotatedAt: r.date(`${prefix}rotated_at`),
  };
}

/** The secret of the account's mode, stored as `secret` first if it has none. */
export async function secretOrInsert(db: Queryable, owner: Owner, secret: string): Promise<WebhookSecretRow> {
  const read = () =>
    runSql(
      db,
      sql`SELECT * FROM webhook_secrets WHERE account_id = ${owner.accountId} AND mode = ${owner.mode}`,
    );
  // Read first: an account's secret exists from its first webhook on, and every delivery asks for it.
  const existing = await read();
  if (existing[0]) return secretFromRow(existing[0]);
  await runSql(
    db,
    sql`INSERT INTO webhook_secrets (account_id, mode, secret) VALUES (${owner.accountId}, ${owner.mode}, ${secret})
     ON CONFLICT DO NOTHING`,
  );
  return secretFromRow((await read())[0]);
}

/** Replaces the secret; the old one stays, as the previous secret, for `graceSeconds`. */
export async function replaceSecret(
  db: Queryable,
  owner: Owner,
  secret: string,
  graceSeconds: number,
): Promise<WebhookSecretRow> {
  const rows = await runSql(
    db,
    sql`UPDATE webhook_secrets SET previous_secret = secret, secret = ${secret}, rotated_at = now(),
       previous_expires_at = now() + make_interval(secs => ${graceSeconds})
     WHERE account_id = ${owner.accountId} AND mode = ${owner.mode} RETURNING *`,
  );
  return secretFromRow(rows[0]);
}
