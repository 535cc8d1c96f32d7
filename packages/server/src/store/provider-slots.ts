import type { Database, Queryable } from '../db/database.ts';
import { runSql, sql } from '../db/sql.ts';
import { readRow } from './row-reader.ts';

/**
 * Takes one of `cap` slots of `provider` for a generation, or returns false when all are held by other
 * queued or running generations. The provider's capacity row is locked for the decision, so every
 * worker in every process decides one at a time; slots of finished generations are dropped on the way.
 */
export async function acquireSlot(
  db: Database,
  provider: string,
  generationId: string,
  cap: number,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    await runSql(
      tx,
      sql`INSERT INTO provider_capacity (provider) VALUES (${provider}) ON CONFLICT DO NOTHING`,
    );
    await runSql(tx, sql`SELECT provider FROM provider_capacity WHERE provider = ${provider} FOR UPDATE`);
    await runSql(
      tx,
      sql`DELETE FROM provider_slots s USING generations g
       WHERE s.provider = ${provider} AND g.id = s.generation_id AND g.status NOT IN ('queued', 'running')`,
    );
    const held = await runSql(
      tx,
      sql`SELECT bool_or(generation_id = ${generationId}) AS mine, count(*)::int AS n FROM provider_slots WHERE provider = ${provider}`,
    );
    const slots = held[0] ? readRow(held[0]) : null;
    if (slots?.booleanOrNull('mine')) return true;
    if ((slots?.number('n') ?? 0) >= cap) return false;
    await runSql(
      tx,
      sql`INSERT INTO provider_slots (provider, generation_id) VALUES (${provider}, ${generationId})`,
    );
    return true;
  });
}

/** Gives a slot back (the upstream did not take the work). */
export async function releaseSlot(db: Queryable, provider: string, generationId: string): Promise<void> {
  await runSql(
    db,
    sql`DELETE FROM provider_slots WHERE provider = ${provider} AND generation_id = ${generationId}`,
  );
}

/** Slots of `provider` held now by queued or running generations. */
export async function slotsInUse(db: Queryable, provider: string): Promise<number> {
  const rows = await runSql(
    db,
    sql`SELECT count(*)::int AS n FROM provider_slots s JOIN generations g ON g.id = s.generation_id
     WHERE s.provider = ${provider} AND g.status IN ('queued', 'running')`,
  );
  return rows[0] ? readRow(rows[0]).number('n') : 0;
}

/** Slots held now by queued or running generations, per provider (providers holding none are left out). */
export async function slotsInUseByProvider(db: Queryable): Promise<Map<string, number>> {
  const rows = await runSql(
    db,
    sql`SELECT s.provider, count(*)::int AS n FROM provider_slots s JOIN generations g ON g.id = s.generation_id
     WHERE g.status IN ('queued', 'running') GROUP BY s.provider`,
  );
  return new Map(rows.map((row) => [readRow(row).text('provider'), readRow(row).number('n')]));
}
