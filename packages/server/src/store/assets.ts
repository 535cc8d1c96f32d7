import type { MediaKind } from '@reelay/catalog';
import type { AssetRecord } from '../assets/asset-record.ts';
import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import { type Row, readRow } from './row-reader.ts';

export type { AssetRecord } from '../assets/asset-record.ts';

const KINDS: readonly MediaKind[] = ['video', 'image', 'audio'];
const SOURCES: readonly AssetRecord['source'][] = ['upload', 'data', 'url', 'output'];

/** An `assets` row as a record: the one mapping of that table. */
function fromRow(row: Row): AssetRecord {
  const r = readRow(row);
  return {
    id: r.text('id'),
    accountId: r.text('account_id'),
    kind: r.oneOf('kind', KINDS),
    mediaType: r.text('media_type'),
    bytes: r.number('bytes'),
    sha256: r.text('sha256'),
    width: r.numberOrNull('width'),
    height: r.numberOrNull('height'),
    durationSeconds: r.numberOrNull('duration_seconds'),
    hasAudio: r.booleanOrNull('has_audio'),
    fps: r.numberOrNull('fps'),
    videoCodec: r.textOrNull('video_codec'),
    audioCodec: r.textOrNull('audio_codec'),
    storageKey: r.text('storage_key'),
    source: r.oneOf('source', SOURCES),
    sourceUrl: r.textOrNull('source_url'),
    generationId: r.textOrNull('generation_id'),
    createdAt: r.date('created_at'),
  };
}

/** Records a stored file as an asset. */
export async function insertAsset(db: Queryable, a: Omit<AssetRecord, 'createdAt'>): Promise<AssetRecord> {
  const rows = await runSql(
    db,
    sql`INSERT INTO assets (id, account_id, kind, media_type, bytes, sha256, width, height, duration_seconds,
       has_audio, fps, video_codec, audio_codec, storage_key, source, source_url, generation_id)
     VALUES (${a.id}, ${a.accountId}, ${a.kind}, ${a.mediaType}, ${a.bytes}, ${a.sha256}, ${a.width}, ${a.height},
       ${a.durationSeconds}, ${a.hasAudio}, ${a.fps}, ${a.videoCodec}, ${a.audioCodec}, ${a.storageKey}, ${a.source},
       ${a.sourceUrl}, ${a.generationId}) RETURNING *`,
  );
  const row = rows[0];
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return fromRow(row);
}

/** The asset with `id` if it belongs to `accountId`; another account's asset is as absent as a missing one. */
export async function findAsset(db: Queryable, accountId: string, id: string): Promise<AssetRecord | null> {
  const rows = await runSql(db, sql`SELECT * FROM assets WHERE id = ${id} AND account_id = ${accountId}`);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** The asset with `id` whatever its account: only for callers that already proved a right to it (a signature). */
export async function findAssetById(db: Queryable, id: string): Promise<AssetRecord | null> {
  const rows = await runSql(db, sql`SELECT * FROM assets WHERE id = ${id}`);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** The assets among `ids` that belong to `accountId`. */
export async function findAssets(
  db: Queryable,
  accountId: string,
  ids: readonly string[],
): Promise<AssetRecord[]> {
  if (ids.length === 0) return [];
  const rows = await runSql(
    db,
    sql`SELECT * FROM assets WHERE account_id = ${accountId} AND id = ANY(${[...ids]})`,
  );
  return rows.map(fromRow);
}

/**
 * True while a queued or running generation of the asset's account has it among its media references (the
 * files in its model's media fields, recorded at create); text elsewhere in the input that names it does not count.
 */
const NEEDED = sql`EXISTS (SELECT 1 FROM generations g WHERE g.account_id = assets.account_id
  AND g.status IN ('queued', 'running')
  AND g.media_refs @> jsonb_build_array(jsonb_build_object('assetId', assets.id)))`;

/** Whether a queued or running generation still needs the asset. */
export async function assetInUse(db: Queryable, accountId: string, id: string): Promise<boolean> {
  const rows = await runSql(
    db,
    sql`SELECT 1 FROM assets WHERE id = ${id} AND account_id = ${accountId} AND ${NEEDED}`,
  );
  return rows.length > 0;
}

/** Removes the asset's row, unless a queued or running generation needs it; true when it was removed. */
export async function deleteAssetRow(db: Queryable, accountId: string, id: string): Promise<boolean> {
  const rows = await runSql(
    db,
    sql`DELETE FROM assets WHERE id = ${id} AND account_id = ${accountId} AND NOT ${NEEDED} RETURNING id`,
  );
  return rows.length > 0;
}

/** Up to `limit` assets created before `before` that no queued or running generation needs, oldest first. */
export async function findExpiredAssets(db: Queryable, before: Date, limit: number): Promise<AssetRecord[]> {
  const rows = await runSql(
    db,
    sql`SELECT * FROM assets WHERE created_at < ${before} AND NOT ${NEEDED} ORDER BY created_at LIMIT ${limit}`,
  );
  return rows.map(fromRow);
}
