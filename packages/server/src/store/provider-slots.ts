import type { Database, Queryable } from '../db/database.ts';

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
    await tx.query('INSERT INTO provider_capacity (provider) VALUES ($1) ON CONFLICT DO NOTHING', [provider]);
    await tx.query('SELECT provider FROM provider_capacity WHERE provider = $1 FOR UPDATE', [provider]);
    await tx.query(
      `DELETE FROM provider_slots s USING generations g
       WHERE s.provider = $1 AND g.id = s.generation_id AND g.status NOT IN ('queued', 'running')`,
      [provider],
    );
    const held = await tx.query<{ mine: boolean; n: number }>(
      `SELECT bool_or(generation_id = $2) AS mine, count(*)::int AS n FROM provider_slots WHERE provider = $1`,
      [provider, generationId],
    );
    if (held[0]?.mine) return true;
    if ((held[0]?.n ?? 0) >= cap) return false;
    await tx.query('INSERT INTO provider_slots (provider, generation_id) VALUES ($1, $2)', [
      provider,
      generationId,
    ]);
    return true;
  });
}

/** Gives a slot back (the upstream did not take the work). */
export async function releaseSlot(db: Queryable, provider: string, generationId: string): Promise<void> {
  await db.query('DELETE FROM provider_slots WHERE provider = $1 AND generation_id = $2', [
    provider,
    generationId,
  ]);
}

/** Slots of `provider` held now by queued or running generations. */
export async function slotsInUse(db: Queryable, provider: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM provider_slots s JOIN generations g ON g.id = s.generation_id
     WHERE s.provider = $1 AND g.status IN ('queued', 'running')`,
    [provider],
  );
  return rows[0]?.n ?? 0;
}
