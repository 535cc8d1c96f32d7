import type { Queryable } from '../../db/database.ts';

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

const predictionFromRow = (r: Record<string, unknown>): PredictionRecord => ({
  generationId: r.generation_id as string,
  accountId: r.account_id as string,
  modelName: r.model_name as string,
  input: r.input as Record<string, unknown>,
  webhook: (r.webhook as string | null) ?? null,
  webhookEvents: r.webhook_events as string[],
  cancelAt: (r.cancel_at as Date | null) ?? null,
  deadlineHit: (r.deadline_hit as boolean | null) ?? null,
});

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
    return new Map(rows.map((r) => [r.generation_id as string, predictionFromRow(r)]));
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
    const r = rows[0];
    return r
      ? {
          assetId: r.asset_id as string,
          name: r.name as string,
          metadata: r.metadata as Record<string, unknown>,
        }
      : null;
  }
}
