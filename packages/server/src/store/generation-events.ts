import type { Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import type { GenerationEvent } from '../generations/generation-events.ts';
import type { GenerationStatus } from '../generations/generation-record.ts';
import { readRow } from './row-reader.ts';

const STATUSES: readonly GenerationStatus[] = ['queued', 'running', 'succeeded', 'failed', 'canceled'];

/** The events of one generation after `afterId`, oldest first (rows written by the trigger of migration 005). */
export async function eventsAfter(
  db: Queryable,
  generationId: string,
  afterId: number,
  limit = 500,
): Promise<GenerationEvent[]> {
  const rows = await runSql(
    db,
    sql`SELECT id, generation_id, type, status, progress, created_at FROM generation_events
     WHERE generation_id = ${generationId} AND id > ${afterId} ORDER BY id LIMIT ${limit}`,
  );
  return rows.map((row) => {
    const r = readRow(row);
    return {
      id: r.number('id'),
      generationId: r.text('generation_id'),
      type: r.text('type'),
      status: r.oneOf('status', STATUSES),
      progress: r.numberOrNull('progress'),
      createdAt: r.date('created_at'),
    };
  });
}
