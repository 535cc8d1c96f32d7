import { type Json, models } from '@reelay/catalog';
import { CREATE_BODY } from './gateway-env.ts';

const isMediaRef = (v: Json | undefined): boolean =>
  (typeof v === 'string' && /^(asset|https?|data):/.test(v)) || (Array.isArray(v) && v.some(isMediaRef));

/**
 * The create body for the peer comparison: the catalog's first image model with its example input minus
 * media references (text to image), or the reference video model when the catalog has no image model.
 */
export function imageRequest(): { body: string; model: string } {
  const model = models.find((m) => m.type === 'image');
  if (!model) return { body: CREATE_BODY, model: 'kling-3.0-omni' };
  const input: Record<string, Json> = {};
  for (const [k, v] of Object.entries(model.exampleInput ?? {}))
    if (!isMediaRef(v as Json)) input[k] = v as Json;
  return { body: JSON.stringify({ type: 'image', model: model.id, input }), model: model.id };
}
