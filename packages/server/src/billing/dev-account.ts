import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '../db/database.ts';
import { authenticate, generateKey, insertKey, keyMode } from './api-keys.ts';
import { grant } from './ledger.ts';

export const DEV_ACCOUNT_ID = 'acct_dev';

/**
 * Makes sure the development account exists with a test key and returns that key. The key is the one
 * from config, else the one kept in `<dataDir>/dev-api-key`, else a new one written there, so every
 * start can print it. The starting balance is granted once, when the account is created.
 */
export async function ensureDevAccount(
  db: Database,
  opts: { dataDir: string; key: string | null; startingTokens: number },
): Promise<string> {
  const keyFile = join(opts.dataDir, 'dev-api-key');
  const key = opts.key ?? ((await readFile(keyFile, 'utf8').catch(() => '')).trim() || generateKey('test'));
  if (opts.key === null) {
    await mkdir(opts.dataDir, { recursive: true });
    await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
  }
  await db.transaction(async (tx) => {
    const created = await tx.query(
      `INSERT INTO accounts (id, name) VALUES ($1, 'Development') ON CONFLICT (id) DO NOTHING RETURNING id`,
      [DEV_ACCOUNT_ID],
    );
    if (created.length > 0) {
      const amount = opts.startingTokens * 1000;
      const mode = keyMode(key) ?? 'test';
      await grant(tx, { accountId: DEV_ACCOUNT_ID, mode }, amount, 'development starting balance');
    }
    if ((await authenticate(tx, key)) === null) await insertKey(tx, DEV_ACCOUNT_ID, key, 'development key');
  });
  return key;
}
