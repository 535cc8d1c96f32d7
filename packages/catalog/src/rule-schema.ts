import type { Json } from './types.ts';

/**
 * Building blocks for a rule's JSON Schema. Each names its properties beside `required`, so the schema passes
 * Ajv's strict mode (which refuses `required` names it cannot see defined).
 */

/** Matches an input that holds every one of `names`. */
export const holds = (...names: string[]): Record<string, Json> => ({
  properties: Object.fromEntries(names.map((n) => [n, true])),
  required: names,
});

/** When the input holds `name`, it must also match `then`. */
export const whenGiven = (name: string, then: Record<string, Json>): Record<string, Json> => ({
  if: holds(name),
  then,
});
