import type { Database } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import type { Owner } from '../key-mode.ts';
import { markGenerationMediaDeleted, outputsInUse } from '../store/assets.ts';
import { lockGeneration, markMediaDeleted } from '../store/generations.ts';
import type { GenerationRecord } from './generation-record.ts';

/**
 * Deletes a finished generation's media: its outputs and the input assets that it alone used (an input that
 * another generation names, or that is another generation's output, is kept). The rows stay, marked deleted, so
 * the generation and its assets say why their files are gone; the ledger is not touched. A queued or running
 * generation, or one whose upstream outcome is still being settled, is a 409 (`generation_active`); so is one
 * whose output a queued or running generation uses as an input (`asset_in_use`). Deleting again changes nothing.
 * The rows change in one transaction, then the bytes go (a failure leaves a file the orphan sweep removes).
 */
export async function deleteGenerationMedia(
  db: Database,
  removeFile: (storageKey: string) => Promise<void>,
  owner: Owner,
  id: string,
  log: { warn(details: object, message: string): void },
): Promise<GenerationRecord> {
  const { generation, keys } = await db.transaction(async (tx) => {
    const g = await lockGeneration(tx, owner, id);
    if (!g) throw new ApiError('not_found', 404, `No generation with id ${id}.`);
    if (g.status === 'queued' || g.status === 'running' || g.reconciling !== null) {
      throw new ApiError(
        'generation_active',
        409,
        g.reconciling !== null
          ? `Generation ${id} is ${g.status} but its upstream outcome is still being settled; delete it once that is done.`
          : `Generation ${id} is ${g.status}; cancel it or wait for it to finish before deleting its media.`,
      );
    }
    if (await outputsInUse(tx, owner, id)) {
      throw new ApiError(
        'asset_in_use',
        409,
        `An output of generation ${id} is an input of a queued or running generation; delete it once that has finished.`,
      );
    }
    const keys = await markGenerationMediaDeleted(tx, owner, g);
    const generation = await markMediaDeleted(tx, id);
    if (!generation) throw new Error('a locked generation was not found again');
    return { generation, keys };
  });
  for (const key of keys) {
    await removeFile(key).catch((error: unknown) =>
      log.warn({ err: error, key }, 'could not delete a file of a deleted generation'),
    );
  }
  return generation;
}
