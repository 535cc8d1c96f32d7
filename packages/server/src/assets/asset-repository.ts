import type { MediaKind } from '@reelay/catalog';
import type { Queryable } from '../db/database.ts';

/** An asset row as the gateway uses it. */
export interface AssetRecord {
  id: string;
  accountId: string;
  kind: MediaKind;
  mediaType: string;
  bytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  hasAudio: boolean | null;
  storageKey: string;
  source: 'upload' | 'data' | 'output';
  generationId: string | null;
  createdAt: Date;
}

interface Row {
  id: string;
  account_id: string;
  kind: MediaKind;
  media_type: string;
  bytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  duration_seconds: number | null;
  has_audio: boolean | null;
  storage_key: string;
  source: AssetRecord['source'];
  generation_id: string | null;
  created_at: Date;
}

const fromRow = (r: Row): AssetRecord => ({
  id: r.id,
  accountId: r.account_id,
  kind: r.kind,
  mediaType: r.media_type,
  bytes: r.bytes,
  sha256: r.sha256,
  width: r.width,
  height: r.height,
  durationSeconds: r.duration_seconds,
  hasAudio: r.has_audio,
  storageKey: r.storage_key,
  source: r.source,
  generationId: r.generation_id,
  createdAt: r.created_at,
});

export async function insertAsset(db: Queryable, a: Omit<AssetRecord, 'createdAt'>): Promise<AssetRecord> {
  const rows = await db.query<Row>(
    `INSERT INTO assets (id, account_id, kind, media_type, bytes, sha256, width, height, duration_seconds,
       has_audio, storage_key, source, generation_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING *`,
    [
      a.id,
      a.accountId,
      a.kind,
      a.mediaType,
      a.bytes,
      a.sha256,
      a.width,
      a.height,
      a.durationSeconds,
      a.hasAudio,
      a.storageKey,
      a.source,
      a.generationId,
    ],
  );
  return fromRow(rows[0] as Row);
}

/** The asset with `id` if it belongs to `accountId`; another account's asset is as absent as a missing one. */
export async function findAsset(db: Queryable, accountId: string, id: string): Promise<AssetRecord | null> {
  const rows = await db.query<Row>('SELECT * FROM assets WHERE id = $1 AND account_id = $2', [id, accountId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function findAssets(
  db: Queryable,
  accountId: string,
  ids: readonly string[],
): Promise<AssetRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<Row>('SELECT * FROM assets WHERE account_id = $1 AND id = ANY($2)', [
    accountId,
    [...ids],
  ]);
  return rows.map(fromRow);
}
