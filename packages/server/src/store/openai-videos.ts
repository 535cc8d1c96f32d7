import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';

/** The `openai_videos` table: videos made through the OpenAI shape whose webhooks are sent in that shape. */
export class OpenAiVideosStore {
  constructor(private readonly db: Queryable) {}

  /** Written before the generation `generationId` is created, so its webhook deliveries know their shape. */
  async insert(generationId: string, accountId: string): Promise<void> {
    await runSql(
      this.db,
      sql`INSERT INTO openai_videos (generation_id, account_id) VALUES (${generationId}, ${accountId})`,
    );
  }

  /** Removes the row of a create that made no generation of that id (refused, or answered by an earlier one). */
  async delete(generationId: string): Promise<void> {
    await runSql(this.db, sql`DELETE FROM openai_videos WHERE generation_id = ${generationId}`);
  }

  /** Whether the generation's webhooks are sent as OpenAI events. */
  async has(generationId: string): Promise<boolean> {
    const rows = await runSql(
      this.db,
      sql`SELECT 1 FROM openai_videos WHERE generation_id = ${generationId}`,
    );
    return rows.length > 0;
  }
}
