import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { newId, randomBase62 } from '../ids.ts';
import type { KeyMode, Owner } from '../key-mode.ts';
import { insertKeyRow, liveKeyByHash } from '../store/api-keys.ts';

/** Who is calling: resolved from a Bearer key. */
export interface Principal extends Owner {
  keyId: string;
  /** The models the key may create generations of, and the providers they may run on; null or absent: any. */
  allowlist?: KeyAllowlist;
  /** The key's default retention in seconds for what its requests store; null or unset: the server's setting. */
  retentionSeconds?: number | null;
}

/** A key's allowlists (`null`: unrestricted). */
export interface KeyAllowlist {
  models: readonly string[] | null;
  providers: readonly string[] | null;
}

const KEY_PATTERN = /^rl_(test|live)_[A-Za-z0-9]{16,64}$/;

/** Keys are long random strings, so one fast hash is enough to store them safely. */
export const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const generateKey = (mode: KeyMode): string => `rl_${mode}_${randomBase62(32)}`;

export const keyMode = (key: string): KeyMode | null => {
  const match = KEY_PATTERN.exec(key);
  return match ? (match[1] as KeyMode) : null;
};

/** Stores the hash of `key` (shown to its owner once) and returns the key's id. */
export async function insertKey(tx: Queryable, accountId: string, key: string, name = ''): Promise<string> {
  const mode = keyMode(key);
  if (mode === null) throw new Error('malformed API key');
  const id = newId('key');
  await insertKeyRow(tx, { id, accountId, mode, keyHash: hashKey(key), prefix: key.slice(0, 12), name });
  return id;
}

/** The principal of a live (not revoked) key, or null. */
export async function authenticate(db: Queryable, key: string): Promise<Principal | null> {
  if (keyMode(key) === null) return null;
  const row = await liveKeyByHash(db, hashKey(key));
  return row ? { keyId: row.id, accountId: row.accountId, mode: row.mode, allowlist: row.allowlist } : null;
}
