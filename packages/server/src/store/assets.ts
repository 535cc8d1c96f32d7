import type { MediaKind } from '@reelay/catalog';
import type { AssetRecord, NewAsset } from '../assets/asset-record.ts';
import type { Queryable } from '../db/database.ts';
import { runSql, type Sql, sql } from '../db/sql.ts';
import { KEY_MODES, type Owner } from '../key-mode.ts';
import { type Row, readRow } from './row-reader.ts';

export type { AssetRecord, NewAsset } from '../assets/asset-record.ts';

const KINDS: readonly MediaKind[] = ['video', 'image', 'audio'];
const SOURCES: readonly AssetRecord['source'][] = ['upload', 'data', 'url', 'output'];
const REASONS = ['deleted', 'expired'] as const;
const PROVENANCE = ['signed', 'sidecar', 'unsigned', 'disabled'] as const;

/** An `assets` row as a record: the one mapping of that table. */
function fromRow(row: Row): AssetRecord {
  const r = readRow(row);
  return {
    id: r.text('id'),
    accountId: r.text('account_id'),
    mode: r.oneOf('mode', KEY_MODES),
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
    thumbnailKey: r.textOrNull('thumbnail_key'),
    provenance: PROVENANCE.find((state) => state === r.textOrNull('provenance')) ?? null,
    provenanceReason: r.textOrNull('provenance_reason'),
    manifestKey: r.textOrNull('manifest_key'),
    source: r.oneOf('source', SOURCES),
    sourceUrl: r.textOrNull('source_url'),
    generationId: r.textOrNull('generation_id'),
    expiresAt: r.dateOrNull('expires_at'),
    deletedAt: r.dateOrNull('deleted_at'),
    deletedReason: REASONS.find((reason) => reason === r.textOrNull('deleted_reason')) ?? null,
    createdAt: r.date('created_at'),
  };
}

/** Records a stored file as an asset. */
export async function insertAsset(db: Queryable, a: NewAsset): Promise<AssetRecord> {
  const rows = await runSql(
    db,
    sql`INSERT INTO assets (id, account_id, mode, kind, media_type, bytes, sha256, width, height, duration_seconds,
       has_audio, fps, video_codec, audio_codec, storage_key, thumbnail_key, source, source_url, generation_id, expires_at,
       provenance, provenance_reason, manifest_key)
     VALUES (${a.id}, ${a.accountId}, ${a.mode}, ${a.kind}, ${a.mediaType}, ${a.bytes}, ${a.sha256}, ${a.width}, ${a.height},
       ${a.durationSeconds}, ${a.hasAudio}, ${a.fps}, ${a.videoCodec}, ${a.audioCodec}, ${a.storageKey}, ${a.thumbnailKey},
       ${a.source}, ${a.sourceUrl}, ${a.generationId}, ${a.expiresAt}, ${a.provenance}, ${a.provenanceReason},
       ${a.manifestKey}) RETURNING *`,
  );
  const row = rows[0];
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return fromRow(row);
}

/** The asset with `id` if it is the owner's: another account's, or another mode's, is as absent as a missing one. */
export async function findAsset(db: Queryable, owner: Owner, id: string): Promise<AssetRecord | null> {
  const rows = await runSql(
    db,
    sql`SELECT * FROM assets WHERE id = ${id} AND account_id = ${owner.accountId} AND mode = ${owner.mode}`,
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** The asset with `id` whatever its account: only for callers that already proved a right to it (a signature). */
export async function findAssetById(db: Queryable, id: string): Promise<AssetRecord | null> {
  const rows = await runSql(db, sql`SELECT * FROM assets WHERE id = ${id}`);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** The assets among `ids` that are the owner's (its account, its mode) and still have their bytes. */
export async function findAssets(
  db: Queryable,
  owner: Owner,
  ids: readonly string[],
): Promise<AssetRecord[]> {
  if (ids.length === 0) return [];
  const rows = await runSql(
    db,
    sql`SELECT * FROM assets WHERE account_id = ${owner.accountId} AND mode = ${owner.mode} AND id = ANY(${[...ids]})
        AND deleted_at IS NULL`,
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
export async function assetInUse(db: Queryable, owner: Owner, id: string): Promise<boolean> {
  const rows = await runSql(
    db,
    sql`SELECT 1 FROM assets WHERE id = ${id} AND account_id = ${owner.accountId} AND mode = ${owner.mode} AND ${NEEDED}`,
  );
  return rows.length > 0;
}

/**
 * Names the thumbnail made of an asset (made when its link is first asked for); false when the asset no longer
 * holds its bytes (deleted or expired meanwhile), so the caller removes the file it made.
 */
export async function setThumbnailKey(db: Queryable, id: string, key: string): Promise<boolean> {
  const rows = await runSql(
    db,
    sql`UPDATE assets SET thumbnail_key = ${key} WHERE id = ${id} AND deleted_at IS NULL RETURNING id`,
  );
  return rows.length > 0;
}

/** Removes the asset's row, unless a queued or running generation needs it; true when it was removed. */
export async function deleteAssetRow(db: Queryable, owner: Owner, id: string): Promise<boolean> {
  const rows = await runSql(
    db,
    sql`DELETE FROM assets WHERE id = ${id} AND account_id = ${owner.accountId} AND mode = ${owner.mode}
        AND NOT ${NEEDED} RETURNING id`,
  );
  return rows.length > 0;
}

/**
 * Marks expired (row kept, `deleted_reason = 'expired'`) up to `limit` assets still holding their bytes whose
 * `expires_at` has passed `now`, or, with `createdBefore`, that have no `expires_at` and were created before it
 * (the server's retention setting applied to assets stored without one); never one that a queued or running
 * generation needs. A generation whose output expires says so too (`media_deleted_reason = 'expired'`). Returns
 * the assets marked, whose bytes are then to go.
 */
export async function expireAssets(
  db: Queryable,
  now: Date,
  createdBefore: Date | null,
  limit: number,
): Promise<AssetRecord[]> {
  const before = sql`${createdBefore}::timestamptz`;
  const rows = await runSql(
    db,
    sql`WITH due AS (
         SELECT id FROM assets
         WHERE deleted_at IS NULL
           AND (expires_at < ${now} OR (expires_at IS NULL AND ${before} IS NOT NULL AND created_at < ${before}))
           AND NOT ${NEEDED}
         ORDER BY coalesce(expires_at, created_at) LIMIT ${limit}),
       gone AS (
         UPDATE assets SET deleted_at = now(), deleted_reason = 'expired'
         WHERE id IN (SELECT id FROM due) AND deleted_at IS NULL AND NOT ${NEEDED}
         RETURNING *),
       outputs AS (
         UPDATE generations SET media_deleted_at = now(), media_deleted_reason = 'expired'
         WHERE id IN (SELECT generation_id FROM gone WHERE source = 'output') AND media_deleted_at IS NULL)
       SELECT * FROM gone`,
  );
  return rows.map(fromRow);
}

/**
 * A CTE (`output_assets AS (INSERT …)`) that records `assets` as rows only when `guard` (a CTE of the same
 * statement) returned a row: a generation's outputs get their rows in the statement that marks it succeeded, or none.
 */
export function insertAssetsWhen(assets: readonly NewAsset[], guard: Sql): Sql {
  const rows = assets.map((a) => ({
    id: a.id,
    account_id: a.accountId,
    mode: a.mode,
    kind: a.kind,
    media_type: a.mediaType,
    bytes: a.bytes,
    sha256: a.sha256,
    width: a.width,
    height: a.height,
    duration_seconds: a.durationSeconds,
    has_audio: a.hasAudio,
    fps: a.fps,
    video_codec: a.videoCodec,
    audio_codec: a.audioCodec,
    storage_key: a.storageKey,
    thumbnail_key: a.thumbnailKey,
    source: a.source,
    source_url: a.sourceUrl,
    generation_id: a.generationId,
    expires_at: a.expiresAt?.toISOString() ?? null,
    provenance: a.provenance,
    provenance_reason: a.provenanceReason,
    manifest_key: a.manifestKey,
  }));
  return sql`output_assets AS (
    INSERT INTO assets (id, account_id, mode, kind, media_type, bytes, sha256, width, height, duration_seconds,
       has_audio, fps, video_codec, audio_codec, storage_key, thumbnail_key, source, source_url, generation_id, expires_at,
       provenance, provenance_reason, manifest_key)
     SELECT a.id, a.account_id, a.mode, a.kind, a.media_type, a.bytes, a.sha256, a.width, a.height, a.duration_seconds,
       a.has_audio, a.fps, a.video_codec, a.audio_codec, a.storage_key, a.thumbnail_key, a.source, a.source_url,
       a.generation_id, a.expires_at, a.provenance, a.provenance_reason, a.manifest_key
     FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS a(id text, account_id text, mode text, kind text,
       media_type text, bytes bigint, sha256 text, width integer, height integer, duration_seconds double precision,
       has_audio boolean, fps double precision, video_codec text, audio_codec text, storage_key text, thumbnail_key text,
       source text,
       source_url text, generation_id text, expires_at timestamptz, provenance text, provenance_reason text,
       manifest_key text)
     WHERE EXISTS (SELECT 1 FROM ${guard}))`;
}

/**
 * Which of `keys` a live asset row names as its file, its thumbnail or its sidecar manifest (a deleted or expired
 * asset's row keeps none). Keys are `<account>/<asset id>.<ext>` (a thumbnail's `<account>/<asset id>.thumb.webp`, a
 * sidecar manifest's `<account>/<asset id>.<ext>.c2pa`), so the rows are found by id.
 */
export async function referencedStorageKeys(db: Queryable, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const ids = keys.map((key) => (key.split('/').pop() ?? key).replace(/\..*$/, ''));
  const rows = await runSql(
    db,
    sql`SELECT storage_key, thumbnail_key, manifest_key FROM assets WHERE id = ANY(${ids})
        AND (storage_key = ANY(${[...keys]}) OR thumbnail_key = ANY(${[...keys]}) OR manifest_key = ANY(${[...keys]}))
        AND deleted_at IS NULL`,
  );
  const named = new Set<string>();
  for (const row of rows) {
    const r = readRow(row);
    named.add(r.text('storage_key'));
    for (const extra of [r.textOrNull('thumbnail_key'), r.textOrNull('manifest_key')])
      if (extra !== null) named.add(extra);
  }
  return named;
}

/** Whether an output of the generation is a media reference of a queued or running generation of its account. */
export async function outputsInUse(db: Queryable, owner: Owner, generationId: string): Promise<boolean> {
  const rows = await runSql(
    db,
    sql`SELECT 1 FROM assets WHERE generation_id = ${generationId} AND source = 'output'
        AND account_id = ${owner.accountId} AND mode = ${owner.mode} AND deleted_at IS NULL AND ${NEEDED} LIMIT 1`,
  );
  return rows.length > 0;
}

/**
 * Marks deleted (row kept, `deleted_reason = 'deleted'`) a generation's outputs and the input assets it alone
 * used: an input named in another generation's media references, or that is another generation's output, stays,
 * and so does anything a queued or running generation needs. Returns the storage keys whose bytes are to go (files,
 * thumbnails and sidecar manifests).
 */
export async function markGenerationMediaDeleted(
  db: Queryable,
  owner: Owner,
  generation: { id: string; mediaRefs: readonly { assetId: string }[] },
): Promise<string[]> {
  const inputs = [...new Set(generation.mediaRefs.map((ref) => ref.assetId))];
  const id = sql`${generation.id}`;
  const rows = await runSql(
    db,
    sql`UPDATE assets SET deleted_at = now(), deleted_reason = 'deleted'
        WHERE account_id = ${owner.accountId} AND mode = ${owner.mode} AND deleted_at IS NULL
          AND ((generation_id = ${id} AND source = 'output')
            OR (id = ANY(${inputs}::text[]) AND (generation_id IS NULL OR generation_id = ${id})
              AND NOT EXISTS (SELECT 1 FROM generations o WHERE o.account_id = assets.account_id AND o.id <> ${id}
                AND o.media_refs @> jsonb_build_array(jsonb_build_object('assetId', assets.id)))))
          AND NOT ${NEEDED}
        RETURNING storage_key, thumbnail_key, manifest_key`,
  );
  return rows.flatMap((row) => {
    const r = readRow(row);
    const keys = [r.text('storage_key'), r.textOrNull('thumbnail_key'), r.textOrNull('manifest_key')];
    return keys.filter((key): key is string => key !== null);
  });
}
