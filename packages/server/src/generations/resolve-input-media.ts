import type { FieldError, Json, MediaRef, NormalisedInput } from '@reelay/catalog';
import type { AssetRecord } from '../assets/asset-record.ts';
import type { AssetsService } from '../assets/assets-service.ts';
import type { Database } from '../db/database.ts';
import { ApiError, validationFailed } from '../errors.ts';
import type { Owner } from '../key-mode.ts';
import { findAssets } from '../store/assets.ts';
import type { GenerationMediaRef } from './generation-record.ts';
import { checkSlot, inputLimits } from './slot-constraints.ts';

const article = (kind: string) => (kind === 'image' ? 'an image' : `a ${kind}`);

type Resolved = { ok: true; asset: AssetRecord } | { ok: false; missing: boolean; error: FieldError };

/**
 * Makes every media input an asset of the caller's account and checks it against its slot, before any token
 * is held: `asset://` ids are looked up (another account's asset is as absent as a missing one: a 404 on
 * that field), `https://` URLs are fetched once through the SSRF guard and `data:` URIs decoded, both stored
 * as assets and replaced by their `asset://` URI, one input after the other. An image past its slot's largest
 * side or the gateway's pixel limit is refused from its header, before it is decoded, and a video whose frame
 * is past the gateway's limit before anything renders it. Each file's real kind (from its bytes) must match
 * its slot, and the slot's constraints (types, size, sides, aspect ratio, duration, fps) must hold. Every bad
 * field is reported at once; missing assets make the answer a 404 (naming the first of them, with every bad
 * field in its details), anything else a 422.
 *
 * Each asset this call stores is pushed onto `stored` as soon as it exists (before any check of it), and every
 * input has been settled before this returns or throws, so the caller knows every file it must remove if the
 * create is refused. Stored inputs are never deduplicated: each is a new asset, and none of them existed before.
 *
 * Returns the input with every media URI an `asset://` one, and its media references: one per URI the catalog
 * found in a media field (`media`, in field order), naming the asset now behind it. Only these are the
 * generation's files; any other value, even a prompt that reads `asset://…`, stays text.
 */
export async function resolveInputMedia(
  db: Database,
  assets: AssetsService,
  owner: Owner,
  input: NormalisedInput,
  media: readonly MediaRef[],
  stored: AssetRecord[],
  /** How long the inputs stored here are kept (the request's or its key's retention); null: the server's setting. */
  retentionSeconds: number | null = null,
): Promise<{ input: NormalisedInput; mediaRefs: GenerationMediaRef[] }> {
  const ids = media.filter((m) => m.scheme === 'asset').map((m) => m.uri.slice('asset://'.length));
  const owned = new Map((await findAssets(db, owner, ids)).map((a) => [a.id, a]));
  // One at a time: each input may be decoded in full, so a request holds at most one decode in memory
  // (several at once would add up: four large images would cost four times as much). A failure stops the
  // loop with no other input still being stored.
  const resolved: Resolved[] = [];
  for (const ref of media)
    resolved.push(await resolveOne(assets, owner, owned, ref, stored, retentionSeconds));
  const errors: FieldError[] = [];
  const uris = new Map<string, string>();
  const mediaRefs: GenerationMediaRef[] = [];
  resolved.forEach((r, i) => {
    const ref = media[i] as MediaRef;
    if (!r.ok) {
      errors.push(r.error);
      return;
    }
    const broken = checkSlot(r.asset, ref.accepts, ref.param);
    if (broken.length > 0) errors.push(...broken);
    else {
      uris.set(ref.param, `asset://${r.asset.id}`);
      mediaRefs.push({ field: ref.field, index: ref.index, assetId: r.asset.id });
    }
  });
  const missing = resolved.flatMap((r) => (!r.ok && r.missing ? [r.error] : []));
  if (missing.length > 0) {
    const first = missing[0] as FieldError;
    throw new ApiError(
      'not_found',
      404,
      missing.length === 1 ? first.message : `${missing.length} input assets were not found; see details.`,
      {
        param: first.param,
        details: errors,
      },
    );
  }
  if (errors.length > 0) throw validationFailed(errors);
  return { input: replaceUris(input, media, uris), mediaRefs };
}

async function resolveOne(
  assets: AssetsService,
  owner: Owner,
  owned: ReadonlyMap<string, AssetRecord>,
  ref: MediaRef,
  stored: AssetRecord[],
  retentionSeconds: number | null,
): Promise<Resolved> {
  let asset: AssetRecord;
  if (ref.scheme === 'asset') {
    const id = ref.uri.slice('asset://'.length);
    const found = owned.get(id);
    if (!found) {
      return {
        ok: false,
        missing: true,
        error: {
          param: ref.param,
          code: 'invalid_uri',
          message: `${ref.param}: there is no asset ${id} in this account (${owner.mode} mode).`,
        },
      };
    }
    asset = found;
  } else {
    const limits = inputLimits(ref.accepts);
    try {
      asset =
        ref.scheme === 'https'
          ? await assets.fromUrl(owner, ref.uri, ref.param, limits, retentionSeconds)
          : await assets.fromDataUri(owner, ref.uri, ref.param, limits, retentionSeconds);
      stored.push(asset);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return {
        ok: false,
        missing: false,
        error: { param: ref.param, code: 'invalid_uri', message: error.message },
      };
    }
  }
  if (asset.kind !== ref.kind) {
    return {
      ok: false,
      missing: false,
      error: {
        param: ref.param,
        code: 'invalid_uri',
        // A stored input is removed with the refusal, so only an asset the caller named is named back.
        message: `${ref.param} expects ${article(ref.kind)}, but ${ref.scheme === 'asset' ? asset.id : 'the file'} is ${article(asset.kind)}.`,
      },
    };
  }
  // Stored before these limits (or an output, kept whatever its size): refused before anything renders it.
  const oversize = assets.oversizePicture(asset);
  if (oversize !== null) {
    return {
      ok: false,
      missing: false,
      error: { param: ref.param, code: 'out_of_range', message: `${ref.param}: ${oversize}` },
    };
  }
  return { ok: true, asset };
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
