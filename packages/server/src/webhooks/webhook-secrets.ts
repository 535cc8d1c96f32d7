import type { Queryable } from '../db/database.ts';
import type { Owner } from '../key-mode.ts';
import { replaceSecret, secretOrInsert, type WebhookSecretRow } from '../store/webhook-secrets.ts';
import { newWebhookSecret } from './sign-webhook.ts';

/** An account's webhook signing secret, and the previous one while it still signs after a rotation. */
export interface WebhookSecret {
  secret: string;
  previousSecret: string | null;
  previousExpiresAt: Date | null;
  rotatedAt: Date;
}

/** The secret as it signs now: the previous one counts only until it expires. */
export const currentSecret = (r: WebhookSecretRow): WebhookSecret => ({
  secret: r.secret,
  previousSecret: r.previousExpiresAt && r.previousExpiresAt > new Date() ? r.previousSecret : null,
  previousExpiresAt: r.previousExpiresAt && r.previousExpiresAt > new Date() ? r.previousExpiresAt : null,
  rotatedAt: r.rotatedAt,
});

/** Whose secret: an account in one mode (test and live each have their own). */
export type SecretOwner = Owner;

/** The secret of the account's mode, made on first use. */
export async function webhookSecretOf(db: Queryable, owner: SecretOwner): Promise<WebhookSecret> {
  return currentSecret(await secretOrInsert(db, owner, newWebhookSecret()));
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
  return currentSecret(await replaceSecret(db, owner, newWebhookSecret(), graceSeconds));
}

/** Every secret a message is signed with right now. */
export function signingSecrets(s: WebhookSecret): string[] {
  return s.previousSecret ? [s.secret, s.previousSecret] : [s.secret];
}
