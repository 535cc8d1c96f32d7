import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';

/** A file an upstream holds for an asset, and until when (ms epoch; null when the upstream did not say). */
export interface UpstreamFile {
  url: string;
  expiresAt: number | null;
}

/** The upload of `assetId` at `upstream` that stays valid at least until `validUntil` (ms epoch), if any. */
export async function findUpstreamFile(
  db: Queryable,
  assetId: string,
  upstream: string,
  validUntil: number,
): Promise<UpstreamFile | null> {
  const rows = await runSql<{ url: string; expires_at: Date | string | null }>(
    db,
    sql`SELECT url, expires_at FROM upstream_files
     WHERE asset_id = ${assetId} AND upstream = ${upstream}
       AND (expires_at IS NULL OR expires_at > ${new Date(validUntil).toISOString()}::timestamptz)`,
  );
  const row = rows[0];
  if (!row) return null;
  return { url: row.url, expiresAt: row.expires_at === null ? null : new Date(row.expires_at).getTime() };
}

/** Remembers an upload of `assetId` at `upstream`, replacing an older one. */
export async function rememberUpstreamFile(
  db: Queryable,
  assetId: string,
  upstream: string,
  file: UpstreamFile,
): Promise<void> {
  const expires = file.expiresAt === null ? null : new Date(file.expiresAt).toISOString();
  await runSql(
    db,
    sql`INSERT INTO upstream_files (asset_id, upstream, url, expires_at)
     VALUES (${assetId}, ${upstream}, ${file.url}, ${expires}::timestamptz)
     ON CONFLICT (asset_id, upstream) DO UPDATE SET url = EXCLUDED.url, expires_at = EXCLUDED.expires_at,
       created_at = now()`,
  );
}
