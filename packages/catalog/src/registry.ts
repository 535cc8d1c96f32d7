import { kling30Omni } from './models/kling-3.0-omni.ts';
import type { ModelEntry } from './types.ts';

/** Every model of the catalog, in display order. */
export const models: readonly ModelEntry[] = [kling30Omni];

const byId = new Map(models.map((m) => [m.id, m]));

/** The model with `id`, or undefined for an id the catalog does not have. */
export const findModel = (id: string): ModelEntry | undefined => byId.get(id);
