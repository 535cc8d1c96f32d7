import { gptImage2 } from './models/gpt-image.ts';
import { grokImagine } from './models/grok-imagine.ts';
import { happyHorse10, happyHorse11 } from './models/happyhorse.ts';
import { kling26Motion, kling30Motion } from './models/kling-motion.ts';
import { kling30Omni, klingO1 } from './models/kling-omni.ts';
import { kling26, kling30 } from './models/kling-video.ts';
import { nanoBanana, nanoBanana2 } from './models/nano-banana.ts';
import { seedance20Relaxed } from './models/seedance.ts';
import { seedream5, seedream45 } from './models/seedream.ts';
import { veo31Lite } from './models/veo.ts';
import type { ModelEntry } from './types.ts';

/** Every model of the catalog, in display order (the reference's order: video first, then image). */
export const models: readonly ModelEntry[] = [
  kling30Omni,
  kling30,
  kling30Motion,
  kling26,
  kling26Motion,
  klingO1,
  happyHorse10,
  happyHorse11,
  seedance20Relaxed,
  veo31Lite,
  gptImage2,
  nanoBanana,
  nanoBanana2,
  grokImagine,
  seedream5,
  seedream45,
];

const byId = new Map(models.map((m) => [m.id, m]));

/** The model with `id`, or undefined for an id the catalog does not have. */
export const findModel = (id: string): ModelEntry | undefined => byId.get(id);

/** Thrown by the functions that take a model id (`prepare`, `describeModel`…) for an id the catalog lacks. */
export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
  constructor(readonly model: string) {
    super(`There is no model ${model} in the catalog.`);
  }
}

/** The model with `id`, or the entry itself; throws UnknownModelError for an unknown id. */
export function requireModel(model: string | ModelEntry): ModelEntry {
  if (typeof model !== 'string') return model;
  const found = byId.get(model);
  if (!found) throw new UnknownModelError(model);
  return found;
}
