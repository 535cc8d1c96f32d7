// Follows a generation to a final state with the SDK's `generations.wait`: live over its event stream (read with
// fetch, so the key can go in a header), and by polling GET /api/v1/generations/{id} when the stream is absent or
// breaks.
import type { Generation, GenerationStatus } from '@reelay/client';
// Imported as the served module, not bundled in: the page scripts compare errors with that module's ApiFailure.
import { ApiFailure, pageClient } from './api.js';

/** What the page shows while it waits. */
export interface GenerationUpdate {
  status: GenerationStatus;
  progress: number | null;
}

/** Reports each status until the generation is final, then returns it as GET answers it. */
export async function followGeneration(
  key: string,
  id: string,
  o: { onUpdate: (update: GenerationUpdate) => void; onChannel: (live: boolean) => void },
): Promise<Generation> {
  try {
    return await pageClient(key).generations.wait(id, {
      onProgress: ({ status, progress, via }) => {
        o.onChannel(via === 'events');
        o.onUpdate({ status, progress });
      },
    });
  } catch (error) {
    throw ApiFailure.from(error);
  }
}
