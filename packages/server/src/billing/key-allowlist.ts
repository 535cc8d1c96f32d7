import { findModel } from '@reelay/catalog';
import { ApiError, validationFailed } from '../errors.ts';
import type { KeyAllowlist, Principal } from './api-keys.ts';

/** Most entries one allowlist may hold. */
const MAX_ENTRIES = 100;
const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * The providers a key's generation may run on: its list for a live key, null (any) for a key without one and for
 * test keys, which always run on the local renderer and never reach an upstream.
 */
export function providerAllowlist(p: Principal): readonly string[] | null {
  return p.mode === 'live' ? (p.allowlist?.providers ?? null) : null;
}

/** The ids of `candidates` outside `allowed` (none when `allowed` is null or absent). */
export function outsideAllowlist(
  candidates: readonly string[],
  allowed: readonly string[] | null | undefined,
): string[] {
  return allowed ? candidates.filter((id) => !allowed.includes(id)) : [];
}

/** Refuses (403 `model_not_allowed`) a model outside the key's model allowlist. */
export function requireModelAllowed(p: Principal, model: string): void {
  const models = p.allowlist?.models;
  if (models && !models.includes(model)) {
    throw new ApiError(
      'model_not_allowed',
      403,
      `This key may not use the model ${model}; it may use ${listed(models)}.`,
      { param: 'model' },
    );
  }
}

/**
 * The providers of `candidates` (the model's route, in order) the key allows; a 403 `provider_not_allowed` when
 * it allows none of them.
 */
export function allowedCandidates(p: Principal, model: string, candidates: readonly string[]): string[] {
  const allowed = providerAllowlist(p);
  if (!allowed) return [...candidates];
  const left = candidates.filter((id) => allowed.includes(id));
  if (left.length === 0) {
    throw new ApiError(
      'provider_not_allowed',
      403,
      `The model ${model} runs on ${listed(candidates)} here, and this key may only run on ${listed(allowed)}.`,
      { param: 'model' },
    );
  }
  return left;
}

const listed = (ids: readonly string[]) => (ids.length === 0 ? 'nothing' : ids.join(', '));

/**
 * Checks the allowlists of a key to create or change: each a list of known model ids or provider ids (unique,
 * at most 100), or null for none. `knownProvider` says whether a provider id is one this gateway knows.
 * Returns the lists as stored (duplicates removed); a 422 naming the field otherwise.
 */
export function checkAllowlist(
  a: { allowedModels?: unknown; allowedProviders?: unknown },
  knownProvider: (id: string) => boolean,
): Partial<KeyAllowlist> {
  const out: { models?: readonly string[] | null; providers?: readonly string[] | null } = {};
  if (a.allowedModels !== undefined) {
    out.models = list(a.allowedModels, 'allowedModels', (id) => findModel(id) !== undefined, 'model');
  }
  if (a.allowedProviders !== undefined) {
    out.providers = list(
      a.allowedProviders,
      'allowedProviders',
      (id) => PROVIDER_ID.test(id) && knownProvider(id),
      'provider',
    );
  }
  return out;
}

function list(
  value: unknown,
  param: string,
  known: (id: string) => boolean,
  what: string,
): readonly string[] | null {
  if (value === null) return null;
  if (!Array.isArray(value) || value.length > MAX_ENTRIES || !value.every((v) => typeof v === 'string')) {
    throw validationFailed([
      {
        param,
        code: 'invalid_type',
        message: `${param} must be null or a list of at most ${MAX_ENTRIES} ${what} ids.`,
      },
    ]);
  }
  const unknown = value.filter((id) => !known(id));
  if (unknown.length > 0) {
    throw validationFailed([
      {
        param,
        code: 'not_allowed',
        message: `${param} names no ${what} of this gateway: ${unknown
          .slice(0, 5)
          .map((id) => JSON.stringify(id))
          .join(', ')}.`,
      },
    ]);
  }
  return [...new Set(value as string[])];
}
