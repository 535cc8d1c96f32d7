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
  fps: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  storageKey: string;
  source: 'upload' | 'data' | 'url' | 'output';
  /** The https:// URL a `url` asset was fetched from. */
  sourceUrl: string | null;
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
  fps: number | null;
  video_codec: string | null;
  audio_codec: string | null;
  storage_key: string;
  source: AssetRecord['source'];
  source_url: string | null;
  generation_id: string | null;
  created_at: Date;
}

const fromRow = (r: Row): AssetRecord => ({
  id: r.id,
  accountId: r.account_id,
  kind: r.kind,
  mediaType: r.media_type,
  bytes: Number(r.bytes),
  sha256: r.sha256,
  width: r.width,
  height: r.height,
  durationSeconds: r.duration_seconds,
  hasAudio: r.has_audio,
  fps: r.fps,
  videoCodec: r.video_codec,
  audioCodec: r.audio_codec,
  storageKey: r.storage_key,
  source: r.source,
  sourceUrl: r.source_url,
  generationId: r.generation_id,
  createdAt: r.created_at,
});

/** Records a stored file as an asset. */
export async function insertAsset(db: Queryable, a: Omit<AssetRecord, 'createdAt'>): Promise<AssetRecord> {
  const rows = await db.query<Row>(
    `INSERT INTO assets (id, account_id, kind, media_type, bytes, sha256, width, height, duration_seconds,
       has_audio, fps, video_codec, audio_codec, storage_key, source, source_url, generation_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING *`,
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
      a.fps,
      a.videoCodec,
      a.audioCodec,
      a.storageKey,
      a.source,
      a.sourceUrl,
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

/** The asset with `id` whatever its account: only for callers that already proved a right to it (a signature). */
export async function findAssetById(db: Queryable, id: string): Promise<AssetRecord | null> {
  const rows = await db.query<Row>('SELECT * FROM assets WHERE id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** The assets among `ids` that belong to `accountId`. */
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

/**
 * True while a queued or running generation of the asset's account has it among its media references (the
 * files in its model's media fields, recorded at create); text elsewhere in the input that names it does not count.
 */
const NEEDED = `EXISTS (SELECT 1 FROM generations g WHERE g.account_id = assets.account_id
  AND g.status IN ('queued', 'running')
  AND g.media_refs @> jsonb_build_array(jsonb_build_object('assetId', assets.id)))`;

/** Whether a queued or running generation still needs the asset. */
export async function assetInUse(db: Queryable, accountId: string, id: string): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM assets WHERE id = $1 AND account_id = $2 AND ${NEEDED}`, [
    id,
    accountId,
  ]);
  return rows.length > 0;
}

/** Removes the asset's row, unless a queued or running generation needs it; true when it was removed. */
export async function deleteAssetRow(db: Queryable, accountId: string, id: string): Promise<boolean> {
  const rows = await db.query(
    `DELETE FROM assets WHERE id = $1 AND account_id = $2 AND NOT ${NEEDED} RETURNING id`,
    [id, accountId],
  );
  return rows.length > 0;
}

/** Up to `limit` assets created before `before` that no queued or running generation needs, oldest first. */
export async function findExpiredAssets(db: Queryable, before: Date, limit: number): Promise<AssetRecord[]> {
  const rows = await db.query<Row>(
    `SELECT * FROM assets WHERE created_at < $1 AND NOT ${NEEDED} ORDER BY created_at LIMIT $2`,
    [before, limit],
  );
  return rows.map(fromRow);
}
