import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '../db/database.ts';
import { insertAccountIfMissing } from '../store/accounts.ts';
import { keyRevoked, othersHaveLiveKeys, revokeKeysOf } from '../store/api-keys.ts';
import { grant } from '../store/ledger.ts';
import { authenticate, generateKey, hashKey, insertKey, keyMode } from './api-keys.ts';

export const DEV_ACCOUNT_ID = 'acct_dev';

/** The development account's key, or why there is none (said at start). */
export type DevAccountOutcome = { key: string; note: null } | { key: null; note: string | null };

/**
 * Decides whether the development account runs, and makes sure it exists (with its key) when it does. `auto`
 * keeps it only while no other account has a live key: a gateway that serves real customers must not also
 * honour a development key, so then the account's keys are revoked (a key printed by an earlier start stops
 * working). `off` leaves the account as it is: another process of the same deployment may run it.
 */
export async function settleDevAccount(
  db: Database,
  opts: { enabled: 'on' | 'off' | 'auto'; dataDir: string; key: string | null; startingTokens: number },
): Promise<DevAccountOutcome> {
  if (opts.enabled === 'off') return { key: null, note: null };
  if (opts.enabled === 'auto') {
    if (await othersHaveLiveKeys(db, DEV_ACCOUNT_ID)) {
      const revoked = await revokeKeysOf(db, DEV_ACCOUNT_ID);
      return {
        key: null,
        note: `The development account is off because other accounts have live keys${revoked > 0 ? '; its keys were revoked' : ''}. Set REELAY_DEV_ACCOUNT=on to keep it anyway.`,
      };
    }
  }
  return { key: await ensureDevAccount(db, opts), note: null };
}

/**
 * Makes sure the development account exists with a test key and returns that key. The key is the one
 * from config, else the one kept in `<dataDir>/dev-api-key`, else a new one written there, so every
 * start can print it. A kept key that was revoked is replaced by a new one (a revoked key never comes back);
 * a configured one that was revoked is an error. The starting balance is granted once, when the account is
 * created.
 */
export async function ensureDevAccount(
  db: Database,
  opts: { dataDir: string; key: string | null; startingTokens: number },
): Promise<string> {
  const keyFile = join(opts.dataDir, 'dev-api-key');
  let key = opts.key ?? ((await readFile(keyFile, 'utf8').catch(() => '')).trim() || generateKey('test'));
  if (await keyRevoked(db, hashKey(key))) {
    if (opts.key !== null)
      throw new Error('REELAY_DEV_KEY names a key that was revoked: choose another one.');
    key = generateKey('test');
  }
  if (opts.key === null) {
    await mkdir(opts.dataDir, { recursive: true });
    await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
  }
  await db.transaction(async (tx) => {
    if (await insertAccountIfMissing(tx, DEV_ACCOUNT_ID, 'Development')) {
      const amount = opts.startingTokens * 1000;
      const mode = keyMode(key) ?? 'test';
      await grant(tx, { accountId: DEV_ACCOUNT_ID, mode }, amount, 'development starting balance');
    }
    if ((await authenticate(tx, key)) === null) await insertKey(tx, DEV_ACCOUNT_ID, key, 'development key');
  });
  return key;
}
