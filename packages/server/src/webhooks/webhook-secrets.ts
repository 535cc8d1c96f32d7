import type { Queryable } from '../db/database.ts';
import type { KeyMode } from '../key-mode.ts';
import { newWebhookSecret } from './sign-webhook.ts';

/** An account's webhook signing secret, and the previous one while it still signs after a rotation. */
export interface WebhookSecret {
  secret: string;
  previousSecret: string | null;
  previousExpiresAt: Date | null;
  rotatedAt: Date;
}

interface Row {
  secret: string;
  previous_secret: string | null;
  previous_expires_at: Date | null;
  rotated_at: Date;
}

const fromRow = (r: Row): WebhookSecret => ({
  secret: r.secret,
  previousSecret: r.previous_expires_at && r.previous_expires_at > new Date() ? r.previous_secret : null,
  previousExpiresAt:
    r.previous_expires_at && r.previous_expires_at > new Date() ? r.previous_expires_at : null,
  rotatedAt: r.rotated_at,
});

/** Whose secret: an account in one mode (test and live each have their own). */
export interface SecretOwner {
  accountId: string;
  mode: KeyMode;
}

/** The secret of the account's mode, made on first use. */
export async function webhookSecretOf(db: Queryable, owner: SecretOwner): Promise<WebhookSecret> {
  await db.query(
    'INSERT INTO webhook_secrets (account_id, mode, secret) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
    [owner.accountId, owner.mode, newWebhookSecret()],
  );
  const rows = await db.query<Row>('SELECT * FROM webhook_secrets WHERE account_id = $1 AND mode = $2', [
    owner.accountId,
    owner.mode,
  ]);
  return fromRow(rows[0] as Row);
}

/**
 * Replaces the secret of the account's mode. Messages are signed with both the new and the old one for
 * `graceSeconds`, so receivers can switch over without rejecting a delivery.
 */
export async function rotateWebhookSecret(
  db: Queryable,
  owner: SecretOwner,
  graceSeconds: number,
): Promise<WebhookSecret> {
  await webhookSecretOf(db, owner);
  const rows = await db.query<Row>(
    `UPDATE webhook_secrets SET previous_secret = secret, secret = $3, rotated_at = now(),
       previous_expires_at = now() + make_interval(secs => $4)
     WHERE account_id = $1 AND mode = $2 RETURNING *`,
    [owner.accountId, owner.mode, newWebhookSecret(), graceSeconds],
  );
  return fromRow(rows[0] as Row);
}

/** Every secret a message is signed with right now. */
export function signingSecrets(s: WebhookSecret): string[] {
  return s.previousSecret ? [s.secret, s.previousSecret] : [s.secret];
}
