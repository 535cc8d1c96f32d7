import { findModel, type Json } from '@reelay/catalog';
import type { StartCall } from '../provider.ts';

/**
 * Adapters read a generation's input as the catalog normalised it (`prepare` applies every default), and
 * never restate a default of their own: where a field is absent after all (an input stored before its field
 * had a default), they take the default the catalog declares for that model's field.
 */

type Call = Pick<StartCall, 'model' | 'input'>;

/** The default the catalog declares for `field` of `modelId`; undefined if the model has no such field or it has none. */
export function catalogDefault(modelId: string, field: string): Json | undefined {
  const spec = findModel(modelId)?.fields.find((f) => f.name === field);
  return spec && 'default' in spec ? spec.default : undefined;
}

/** Whether the catalog's `modelId` has `field` at all. */
export function modelHasField(modelId: string, field: string): boolean {
  return findModel(modelId)?.fields.some((f) => f.name === field) ?? false;
}

/** The value of `field`: as the input holds it, else the catalog's default for the model's field. */
export function inputValue(call: Call, field: string): Json | undefined {
  const value = call.input[field];
  return value === undefined ? catalogDefault(call.model, field) : value;
}

/** Thrown when a field an adapter needs has neither a value nor a catalog default: the input was not normalised. */
function notNormalised(call: Call, field: string, kind: string): Error {
  return new Error(
    `${call.model} input has no ${kind} ${field} and the catalog declares no default for it; adapters take inputs normalised by the catalog.`,
  );
}

/** A text or choice field (the prompt, `aspectRatio`, `resolution`…). */
export function inputString(call: Call, field: string): string {
  const value = inputValue(call, field);
  if (typeof value !== 'string') throw notNormalised(call, field, 'string');
  return value;
}

/** A number field (`duration`…). */
export function inputNumber(call: Call, field: string): number {
  const value = inputValue(call, field);
  if (typeof value !== 'number') throw notNormalised(call, field, 'number');
  return value;
}

/**
 * A switch (`audioEnabled`…): on only when the input or the catalog's default says so; a switch without a value
 * or a default is off, as the catalog itself reads it (its variants take `audioEnabled` as truthy).
 */
export function inputFlag(call: Call, field: string): boolean {
  return inputValue(call, field) === true;
}
