import type { Queryable } from '../db/database.ts';
import { type Row, readRow } from './row-reader.ts';

/** What a prediction was asked as, beyond its generation (`008_replicate_predictions.sql`). */
export interface PredictionRecord {
  generationId: string;
  accountId: string;
  /** `reelay/<id>` or a Replicate alias. */
  modelName: string;
  /** The input as sent. */
  input: Record<string, unknown>;
  webhook: string | null;
  webhookEvents: string[];
  cancelAt: Date | null;
  /** Ended by its Cancel-After deadline (null: not yet due or not yet handled). */
  deadlineHit: boolean | null;
}

/** A file uploaded through the Replicate shape: an asset with a name and metadata. */
export interface FileRecord {
  assetId: string;
  name: string;
  metadata: Record<string, unknown>;
}

function predictionFromRow(row: Row): PredictionRecord {
  const r = readRow(row);
  return {
    generationId: r.text('generation_id'),
    accountId: r.text('account_id'),
    modelName: r.text('model_name'),
    input: r.json<Record<string, unknown>>('input'),
    webhook: r.textOrNull('webhook'),
    webhookEvents: r.json<string[]>('webhook_events'),
    cancelAt: r.dateOrNull('cancel_at'),
    deadlineHit: r.booleanOrNull('deadline_hit'),
  };
}

/** The one place the Replicate shape reads and writes its own rows. */
export class ReplicateStore {
  constructor(private readonly db: Queryable) {}

  /** Written before the generation `p.generationId` is created, so its webhooks know their shape. */
  async insertPrediction(p: Omit<PredictionRecord, 'deadlineHit'>): Promise<void> {
    await this.db.query(
      `INSERT INTO replicate_predictions (generation_id, account_id, model_name, input, webhook, webhook_events, cancel_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6::text[], $7)`,
      [
        p.generationId,
        p.accountId,
        p.modelName,
        JSON.stringify(p.input),
        p.webhook,
        p.webhookEvents,
        p.cancelAt,
      ],
    );
  }

  /** Removes the row of a create that made no generation of that id (refused, or answered by an earlier one). */
  async deletePrediction(generationId: string): Promise<void> {
    await this.db.query('DELETE FROM replicate_predictions WHERE generation_id = $1', [generationId]);
  }

  async prediction(generationId: string): Promise<PredictionRecord | null> {
    const rows = await this.db.query('SELECT * FROM replicate_predictions WHERE generation_id = $1', [
      generationId,
    ]);
    return rows[0] ? predictionFromRow(rows[0]) : null;
  }

  /** The rows of several generations at once (a page of a list), by generation id. */
  async predictions(generationIds: readonly string[]): Promise<Map<string, PredictionRecord>> {
    if (generationIds.length === 0) return new Map();
    const rows = await this.db.query(
      'SELECT * FROM replicate_predictions WHERE generation_id = ANY($1::text[])',
      [generationIds],
    );
    return new Map(
      rows.map((row) => {
        const p = predictionFromRow(row);
        return [p.generationId, p];
      }),
    );
  }

  /** Predictions past their Cancel-After deadline not yet handled, oldest first. */
  async overdue(limit: number): Promise<PredictionRecord[]> {
    const rows = await this.db.query(
      `SELECT * FROM replicate_predictions
       WHERE cancel_at IS NOT NULL AND deadline_hit IS NULL AND cancel_at <= now()
       ORDER BY cancel_at LIMIT $1`,
      [limit],
    );
    return rows.map(predictionFromRow);
  }

  /** Claims a prediction's deadline as the one ending it; false when another process claimed it first. */
  async claimDeadline(generationId: string): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE replicate_predictions SET deadline_hit = true
       WHERE generation_id = $1 AND deadline_hit IS NULL RETURNING 1`,
      [generationId],
    );
    return rows.length > 0;
  }

  /** Records that a claimed deadline ended nothing: the prediction had already ended. */
  async deadlineMissed(generationId: string): Promise<void> {
    await this.db.query('UPDATE replicate_predictions SET deadline_hit = false WHERE generation_id = $1', [
      generationId,
    ]);
  }

  async insertFile(accountId: string, file: FileRecord): Promise<void> {
    await this.db.query(
      'INSERT INTO replicate_files (asset_id, account_id, name, metadata) VALUES ($1, $2, $3, $4::jsonb)',
      [file.assetId, accountId, file.name, JSON.stringify(file.metadata)],
    );
  }

  async file(accountId: string, assetId: string): Promise<FileRecord | null> {
    const rows = await this.db.query(
      'SELECT * FROM replicate_files WHERE asset_id = $1 AND account_id = $2',
      [assetId, accountId],
    );
    if (!rows[0]) return null;
    const r = readRow(rows[0]);
    return { assetId: r.text('asset_id'), name: r.text('name'), metadata: r.json('metadata') };
  }
}
