import type { FieldError, Json, MediaRef, NormalisedInput } from '@reelay/catalog';
import { findAssets } from '../assets/asset-repository.ts';
import type { AssetsService } from '../assets/assets-service.ts';
import type { Database } from '../db/database.ts';
import { ApiError, validationFailed } from '../errors.ts';

const article = (kind: string) => (kind === 'image' ? 'an image' : `a ${kind}`);

/**
 * Makes every media input an asset of the caller's account: `asset://` ids are looked up (another
 * account's asset is not found), `data:` URIs are stored as assets and replaced by their `asset://` URI,
 * and each asset's real kind (from its bytes) must match its slot. Every bad field is reported at once.
 */
export async function resolveInputMedia(
  db: Database,
  assets: AssetsService,
  accountId: string,
  input: NormalisedInput,
  media: readonly MediaRef[],
): Promise<NormalisedInput> {
  const errors: FieldError[] = [];
  const uris = new Map<string, string>();
  const ids = media.filter((m) => m.scheme === 'asset').map((m) => m.uri.slice('asset://'.length));
  const owned = new Map((await findAssets(db, accountId, ids)).map((a) => [a.id, a]));
  for (const ref of media) {
    if (ref.scheme === 'https') {
      errors.push({
        param: ref.param,
        code: 'invalid_uri',
        message: `${ref.param}: https:// inputs are not fetched by this gateway yet; upload the file to POST /api/v1/assets and pass its asset:// URI.`,
      });
      continue;
    }
    let kind: string;
    let id: string;
    if (ref.scheme === 'asset') {
      id = ref.uri.slice('asset://'.length);
      const asset = owned.get(id);
      if (!asset) {
        errors.push({
          param: ref.param,
          code: 'invalid_uri',
          message: `${ref.param}: there is no asset ${id} in this account.`,
        });
        continue;
      }
      kind = asset.kind;
    } else {
      try {
        const asset = await assets.fromDataUri(accountId, ref.uri, ref.param);
        id = asset.id;
        kind = asset.kind;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        errors.push({ param: ref.param, code: 'invalid_uri', message: error.message });
        continue;
      }
    }
    if (kind !== ref.kind) {
      errors.push({
        param: ref.param,
        code: 'invalid_uri',
        message: `${ref.param} expects ${article(ref.kind)}, but ${id} is ${article(kind)}.`,
      });
      continue;
    }
    uris.set(ref.param, `asset://${id}`);
  }
  if (errors.length > 0) throw validationFailed(errors);
  return replaceUris(input, media, uris);
}

function replaceUris(
  input: NormalisedInput,
  media: readonly MediaRef[],
  uris: Map<string, string>,
): NormalisedInput {
  const out: Record<string, Json> = { ...input };
  for (const ref of media) {
    const uri = uris.get(ref.param);
    if (uri === undefined) continue;
    if (ref.index === null) {
      out[ref.field] = uri;
    } else {
      const list = [...((out[ref.field] as Json[]) ?? [])];
      list[ref.index] = uri;
      out[ref.field] = list;
    }
  }
  return out;
}
