import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { MediaKind } from '@reelay/catalog';
import type { Asset } from '@reelay/contract';
import type { Database } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Owner } from '../key-mode.ts';
import { makeThumbnail, THUMBNAIL_MEDIA_TYPE } from '../media/thumbnail.ts';
import type { GuardedFetch } from '../net/guarded-fetch.ts';
import { GuardedFetchError } from '../net/guarded-fetch-error.ts';
import {
  type ProvenanceClaim,
  type ProvenanceOutcome,
  type ProvenanceSigner,
  SIDECAR_MEDIA_TYPE,
} from '../provenance/provenance-signer.ts';
import {
  type AssetRecord,
  assetInUse,
  deleteAssetRow,
  findAsset,
  findAssetById,
  insertAsset,
  type NewAsset,
  setThumbnailKey,
} from '../store/assets.ts';
import { decodeDataUri } from './data-uri.ts';
import { DEFAULT_IMAGE_LIMITS, identifyMedia, pictureTooLarge } from './identify-media.ts';
import { presentFacts } from './media-facts.ts';
import { receiveFile } from './receive-file.ts';
import type { ByteRange, Storage } from './storage.ts';
import { UrlSigner } from './url-signer.ts';

export interface AssetsOptions {
  ffprobePath: string;
  /** The ffmpeg that takes a frame of a video output for its thumbnail; without it only images get one. */
  ffmpegPath?: string;
  /** Where a thumbnail that could not be made is told of (it is then a 404, never an error of the output). */
  log?: { warn(details: object, message: string): void };
  /** Largest file received at all (the stream is cut off past it). */
  maxUploadBytes: number;
  /** Largest file kept, per kind (checked once the kind is known from the bytes). */
  maxBytesByKind: Readonly<Record<MediaKind, number>>;
  maxDataUriBytes: number;
  /**
   * Largest picture kept, in pixels (width × height): of an image (judged from its header, before it is
   * decoded) and of a video's frame (from ffprobe, before anything renders it). Defaults:
   * {@link DEFAULT_MAX_PIXELS}.
   */
  maxPixels?: Readonly<PixelLimits>;
  /** Base of the signed URLs served by the gateway itself. */
  publicUrl: string;
  signingSecret: string;
  /** Lifetime of the signed URLs handed to clients. */
  signedUrlTtlSeconds: number;
  /** The SSRF-guarded fetch for https:// inputs; null refuses them. */
  fetch: GuardedFetch | null;
  /** How long a stored file is kept when neither its request nor its key says (0: until it is deleted). */
  retentionSeconds?: number;
  /** What signs the C2PA manifests of outputs; null or absent: outputs are stored `disabled`. */
  provenance?: ProvenanceSigner | null;
  now?: () => number;
}

/** How long to keep a new asset: seconds, or null for the server's setting. */
type Retention = { retentionSeconds?: number | null };

/** The manifest to make for an output, or `disabled` when the request turned provenance off. */
export type OutputProvenance = { claim: ProvenanceClaim } | 'disabled';

/** What is recorded of an output's provenance, and its bytes once signed. */
interface ProvenanceResult {
  provenance: AssetRecord['provenance'];
  provenanceReason: string | null;
  manifestKey: string | null;
  bytes: number;
  sha256: string;
}

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/ogg': 'ogg',
  'audio/flac': 'flac',
};

/** Pixel limits per kind: an image, and one frame of a video. */
export interface PixelLimits {
  image: number;
  videoFrame: number;
}

/**
 * The gateway-wide pixel limits. Images: see {@link DEFAULT_IMAGE_LIMITS} (8192 × 8192). Video frames:
 * 4096 × 4096, above every frame an upstream takes or makes (reference videos at most 2160 px a side, 4K
 * outputs 3840 × 2160) and DCI 4K (4096 × 2160) in either orientation; one RGBA frame of it is 64 MB where a
 * 16000 × 16000 frame is a gigabyte.
 */
export const DEFAULT_MAX_PIXELS: Readonly<PixelLimits> = {
  image: DEFAULT_IMAGE_LIMITS.maxPixels,
  videoFrame: 4096 * 4096,
};

/** What the slot an input is for publishes about its size, so the file can be refused before it is decoded. */
export interface InputLimits {
  /** Largest width or height, in pixels. */
  maxSide?: number | undefined;
}

const KIND_WORDS: Record<MediaKind, string> = { image: 'Images', video: 'Videos', audio: 'Audio files' };

/** Thumbnails made at once by one process (each a sharp resize, a video's also an ffmpeg run); the rest wait. */
const THUMBNAIL_MAKERS = 2;
/** Assets whose thumbnail could not be made that a process remembers, so their links do not retry the work. */
const FAILED_THUMBNAILS_KEPT = 10_000;

/** Adds the field name to an error about one input, keeping its status. */
const onField = (error: ApiError, param: string) =>
  new ApiError(error.code, error.status, `${param}: ${error.message}`, { param });

/** Media in and out: uploads, data: and https: inputs, generation outputs, and reading them back. */
export class AssetsService {
  private readonly signer: UrlSigner;
  private readonly now: () => number;
  private readonly maxPixels: Readonly<PixelLimits>;
  /** Thumbnails being made, by asset id: a second request for one waits for the first. */
  private readonly thumbnailsMaking = new Map<string, Promise<string | null>>();
  private readonly thumbnailsFailed = new Set<string>();
  private thumbnailMakers = 0;
  private readonly thumbnailQueue: (() => void)[] = [];
  constructor(
    private readonly db: Database,
    readonly storage: Storage,
    private readonly options: AssetsOptions,
  ) {
    this.signer = new UrlSigner(options.signingSecret);
    this.now = options.now ?? Date.now;
    this.maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  }

  /**
   * Why a file with these facts is too large a picture for the gateway to decode or render (its size and
   * the limit, in words), or null when it is not. Judged from stored facts, so it costs no decoding.
   */
  oversizePicture(facts: { kind: MediaKind; width: number | null; height: number | null }): string | null {
    if (facts.kind === 'audio' || facts.width === null || facts.height === null) return null;
    const limit = facts.kind === 'image' ? this.maxPixels.image : this.maxPixels.videoFrame;
    return pictureTooLarge(facts.kind, facts.width, facts.height, limit);
  }

  /**
   * Streams a file into storage as an asset of `owner` with constant memory, hashing it on the way and
   * deciding its type from its bytes; `declaredType` (the sender's Content-Type) may not name another kind.
   */
  async upload(
    owner: Owner,
    body: Readable,
    how: {
      declaredType?: string | null;
      source?: 'upload' | 'data' | 'url';
      sourceUrl?: string;
      limits?: InputLimits;
    } & Retention = {},
  ): Promise<AssetRecord> {
    const received = await receiveFile(body, this.storage.incomingDir(), this.options.maxUploadBytes);
    if (received.bytes === 0) {
      await rm(received.path, { force: true });
      throw new ApiError('invalid_request', 400, 'The file is empty (0 bytes): send its bytes.');
    }
    return this.adopt(owner, received.path, received.bytes, received.sha256, how.source ?? 'upload', null, {
      declaredType: how.declaredType ?? null,
      sourceUrl: how.sourceUrl ?? null,
      retentionSeconds: how.retentionSeconds ?? null,
      ...(how.limits !== undefined ? { limits: how.limits } : {}),
    });
  }

  /** Turns a strict base64 `data:` URI into an asset; errors name `param`. */
  async fromDataUri(
    owner: Owner,
    uri: string,
    param: string,
    limits: InputLimits = {},
    retentionSeconds: number | null = null,
  ): Promise<AssetRecord> {
    const decoded = decodeDataUri(uri, this.options.maxDataUriBytes);
    if (!decoded.ok) {
      const status = decoded.reason === 'too_large' ? 413 : 422;
      throw new ApiError(
        status === 413 ? 'payload_too_large' : 'validation_failed',
        status,
        `${param}: ${decoded.message}.`,
        {
          param,
        },
      );
    }
    try {
      return await this.upload(owner, Readable.from([decoded.bytes]), {
        declaredType: decoded.mediaType,
        source: 'data',
        limits,
        retentionSeconds,
      });
    } catch (error) {
      throw error instanceof ApiError ? onField(error, param) : error;
    }
  }

  /**
   * Fetches an https:// input once through the SSRF guard and stores it as an asset of `owner`, so
   * upstreams and the local renderer see stable bytes. Every failure is a 422 on `param`.
   */
  async fromUrl(
    owner: Owner,
    url: string,
    param: string,
    limits: InputLimits = {},
    retentionSeconds: number | null = null,
  ): Promise<AssetRecord> {
    const fail = (message: string) =>
      new ApiError('validation_failed', 422, `${param}: ${message}.`, { param });
    if (this.options.fetch === null) throw fail('https:// inputs are not fetched by this gateway');
    let response: Response;
    try {
      response = await this.options.fetch(url, { maxBytes: this.options.maxUploadBytes });
    } catch (error) {
      if (error instanceof GuardedFetchError) throw fail(`could not fetch ${url}: ${error.message}`);
      throw error;
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw fail(`fetching ${url} answered HTTP ${response.status}`);
    }
    try {
      return await this.upload(owner, Readable.fromWeb(response.body as never), {
        declaredType: response.headers.get('content-type'),
        source: 'url',
        sourceUrl: url,
        limits,
        retentionSeconds,
      });
    } catch (error) {
      if (error instanceof GuardedFetchError) throw fail(`could not fetch ${url}: ${error.message}`);
      if (error instanceof ApiError) throw fail(`${url}: ${error.message.replace(/\.$/, '')}`);
      throw error;
    }
  }

  /** Registers a finished local file (an upload or a rendered output) as an asset; the file is moved into storage. */
  async adopt(
    owner: Owner,
    path: string,
    bytes: number,
    sha256: string,
    source: AssetRecord['source'],
    generationId: string | null,
    extra: { declaredType?: string | null; sourceUrl?: string | null; limits?: InputLimits } & Retention = {},
  ): Promise<AssetRecord> {
    const stored = await this.store(owner, path, bytes, sha256, source, generationId, extra);
    try {
      return await insertAsset(this.db, stored);
    } catch (error) {
      // No row names the stored file, so nothing else would ever remove it.
      await this.storage.delete(stored.storageKey).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Moves a generation's output file into storage and returns its asset as it is to be recorded, without a row:
   * the row is inserted by the statement that marks the generation succeeded. A file whose row never comes (the
   * process died in between) is collected by the sweeper once older than its grace period.
   */
  storeOutput(
    owner: Owner,
    path: string,
    bytes: number,
    sha256: string,
    generationId: string,
    retentionSeconds: number | null = null,
    provenance: OutputProvenance = 'disabled',
  ): Promise<NewAsset> {
    return this.store(owner, path, bytes, sha256, 'output', generationId, { retentionSeconds, provenance });
  }

  /** When a file stored now with this retention (null: the server's setting) expires; null when it is kept. */
  expiryOf(retentionSeconds: number | null): Date | null {
    const seconds = retentionSeconds ?? this.options.retentionSeconds ?? 0;
    return seconds > 0 ? new Date(this.now() + seconds * 1000) : null;
  }

  /**
   * Removes a stored file, its thumbnail and its sidecar manifest that no row names (an output whose generation ended
   * otherwise meanwhile).
   */
  async discardStored(asset: Pick<NewAsset, 'storageKey' | 'thumbnailKey' | 'manifestKey'>): Promise<void> {
    await this.storage.delete(asset.storageKey);
    if (asset.thumbnailKey !== null) await this.storage.delete(asset.thumbnailKey);
    if (asset.manifestKey !== null) await this.storage.delete(asset.manifestKey);
  }

  /**
   * Signs an output about to be stored from `path` (before it is hashed for its row and thumbnailed): the file is
   * rewritten with its manifest embedded, or a sidecar manifest is stored at `<storageKey>.c2pa`. A failure never
   * loses the output: it is stored `unsigned`, with the reason recorded and logged.
   */
  private async applyProvenance(
    path: string,
    mediaType: string,
    storageKey: string,
    provenance: OutputProvenance,
    file: { bytes: number; sha256: string },
  ): Promise<ProvenanceResult> {
    const signer = this.options.provenance ?? null;
    const none = { manifestKey: null, bytes: file.bytes, sha256: file.sha256 };
    if (provenance === 'disabled' || signer === null) {
      return { ...none, provenance: 'disabled', provenanceReason: null };
    }
    let outcome: ProvenanceOutcome;
    try {
      outcome = await signer.sign(path, mediaType, provenance.claim, file.sha256);
    } catch (error) {
      outcome = { state: 'unsigned', reason: `signing failed: ${(error as Error).message}` };
    }
    if (outcome.state === 'unsigned') {
      this.options.log?.warn(
        { generationId: provenance.claim.generationId, reason: outcome.reason },
        'an output was stored without a C2PA manifest',
      );
      return { ...none, provenance: 'unsigned', provenanceReason: outcome.reason };
    }
    if (outcome.state === 'signed') {
      // The file now holds its manifest: its size and hash are those of the bytes written, which will be served.
      return {
        ...none,
        bytes: outcome.bytes,
        sha256: outcome.sha256,
        provenance: 'signed',
        provenanceReason: null,
      };
    }
    const dir = this.storage.incomingDir();
    await mkdir(dir, { recursive: true });
    const sidecar = join(dir, `${randomUUID()}.c2pa`);
    const manifestKey = `${storageKey}.c2pa`;
    try {
      await writeFile(sidecar, outcome.manifest);
      await this.storage.putFile(manifestKey, sidecar, SIDECAR_MEDIA_TYPE);
    } catch (error) {
      const reason = `the sidecar manifest could not be stored: ${(error as Error).message}`;
      this.options.log?.warn({ err: error, generationId: provenance.claim.generationId }, reason);
      return { ...none, provenance: 'unsigned', provenanceReason: reason };
    } finally {
      await rm(sidecar, { force: true });
    }
    return { ...none, manifestKey, provenance: 'sidecar', provenanceReason: null };
  }

  /** Whether a thumbnail can be made of an output of this kind: images, and videos when ffmpeg is there. */
  hasThumbnail(kind: MediaKind): boolean {
    return kind === 'image' || (kind === 'video' && Boolean(this.options.ffmpegPath));
  }

  /**
   * The storage key of the asset's thumbnail, made from its stored file the first time it is asked for (not while
   * the output is stored, so a generation never waits for it and outputs nobody looks at never cost one); null
   * when none can be made (audio, or the making failed: logged, and remembered so the link does not retry it).
   * Concurrent requests for one asset share one making; a process makes {@link THUMBNAIL_MAKERS} at a time.
   */
  async thumbnailOf(asset: AssetRecord): Promise<string | null> {
    if (asset.thumbnailKey !== null) return asset.thumbnailKey;
    if (!this.hasThumbnail(asset.kind) || this.thumbnailsFailed.has(asset.id)) return null;
    let making = this.thumbnailsMaking.get(asset.id);
    if (!making) {
      making = this.makeThumbnailOf(asset).finally(() => this.thumbnailsMaking.delete(asset.id));
      this.thumbnailsMaking.set(asset.id, making);
    }
    return making;
  }

  private async makeThumbnailOf(asset: AssetRecord): Promise<string | null> {
    if (this.thumbnailMakers >= THUMBNAIL_MAKERS) {
      await new Promise<void>((resolve) => this.thumbnailQueue.push(resolve));
    } else this.thumbnailMakers++;
    const key = `${asset.accountId}/${asset.id}.thumb.webp`;
    try {
      const path = await this.storage.localFile(asset.storageKey);
      const thumbnail = await makeThumbnail(
        { path, kind: asset.kind, durationSeconds: asset.durationSeconds },
        this.options.ffmpegPath ?? '',
      );
      if (!thumbnail) throw new Error('ffmpeg took no frame of the video');
      const dir = this.storage.incomingDir();
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${randomUUID()}.thumb`);
      await writeFile(file, thumbnail);
      try {
        await this.storage.putFile(key, file, THUMBNAIL_MEDIA_TYPE);
      } finally {
        await rm(file, { force: true });
      }
      if (await setThumbnailKey(this.db, asset.id, key)) return key;
      // Deleted or expired while it was made: the thumbnail goes too.
      await this.storage.delete(key).catch(() => undefined);
      throw new ApiError('asset_deleted', 410, `Asset ${asset.id} was deleted while its thumbnail was made.`);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      this.options.log?.warn({ err: error, assetId: asset.id }, 'could not make the thumbnail of an output');
      if (this.thumbnailsFailed.size >= FAILED_THUMBNAILS_KEPT) this.thumbnailsFailed.clear();
      this.thumbnailsFailed.add(asset.id);
      return null;
    } finally {
      const next = this.thumbnailQueue.shift();
      if (next) next();
      else this.thumbnailMakers--;
    }
  }

  private async store(
    owner: Owner,
    path: string,
    bytes: number,
    sha256: string,
    source: AssetRecord['source'],
    generationId: string | null,
    extra: {
      declaredType?: string | null;
      sourceUrl?: string | null;
      limits?: InputLimits;
      provenance?: OutputProvenance;
    } & Retention,
  ): Promise<NewAsset> {
    try {
      const facts = await identifyMedia(path, this.options.ffprobePath, extra.declaredType, {
        maxPixels: this.maxPixels.image,
        maxSide: extra.limits?.maxSide,
        // A video's frame size is judged from ffprobe's header facts, before a frame is decoded. An output video
        // is kept whatever its size, as it is whatever its bytes: the upstream made it, and it is refused if sent
        // back as an input (by `oversizePicture`, from its stored facts).
        maxFramePixels: source === 'output' ? undefined : this.maxPixels.videoFrame,
      });
      const limit = this.options.maxBytesByKind[facts.kind];
      if (source !== 'output' && bytes > limit) {
        throw new ApiError(
          'payload_too_large',
          413,
          `${KIND_WORDS[facts.kind]} may be at most ${limit} bytes; this one is ${bytes}.`,
        );
      }
      const id = newId('asset');
      const storageKey = `${owner.accountId}/${id}.${EXTENSIONS[facts.mediaType] ?? 'bin'}`;
      // An output is signed first, so its size and hash are those of the bytes served.
      const signed: ProvenanceResult =
        source === 'output'
          ? await this.applyProvenance(path, facts.mediaType, storageKey, extra.provenance ?? 'disabled', {
              bytes,
              sha256,
            })
          : { provenance: null, provenanceReason: null, manifestKey: null, bytes, sha256 };
      await this.storage.putFile(storageKey, path, facts.mediaType).catch(async (error: unknown) => {
        if (signed.manifestKey !== null) await this.storage.delete(signed.manifestKey).catch(() => undefined);
        throw error;
      });
      return {
        id,
        accountId: owner.accountId,
        mode: owner.mode,
        ...facts,
        bytes: signed.bytes,
        sha256: signed.sha256,
        storageKey,
        // Made when its link is first asked for (thumbnailOf).
        thumbnailKey: null,
        provenance: signed.provenance,
        provenanceReason: signed.provenanceReason,
        manifestKey: signed.manifestKey,
        source,
        sourceUrl: extra.sourceUrl ?? null,
        generationId,
        expiresAt: this.expiryOf(extra.retentionSeconds ?? null),
      };
    } finally {
      await rm(path, { force: true });
    }
  }

  /** The owner's asset `id`; another account's, or another mode's, is a 404 like a missing one. */
  async get(owner: Owner, id: string): Promise<AssetRecord> {
    const asset = await findAsset(this.db, owner, id);
    if (!asset) throw new ApiError('not_found', 404, `No asset with id ${id}.`);
    return asset;
  }

  /** Deletes an asset and its bytes; one a queued or running generation still needs is a 409. */
  async delete(owner: Owner, id: string): Promise<void> {
    const asset = await this.get(owner, id);
    if (!(await deleteAssetRow(this.db, owner, id))) {
      if (await assetInUse(this.db, owner, id)) {
        throw new ApiError(
          'conflict',
          409,
          `Asset ${id} is an input of a queued or running generation; delete it once that has finished.`,
        );
      }
      throw new ApiError('not_found', 404, `No asset with id ${id}.`);
    }
    await this.discardStored(asset);
  }

  /**
   * Removes an asset that a refused request stored (a fetched or decoded input of a create that was not
   * accepted): the row first, then the bytes. The same guarded `DELETE` as {@link delete} keeps an asset that a
   * queued or running generation names, so an input of an accepted generation is never removed.
   */
  async discard(asset: AssetRecord): Promise<void> {
    if (await deleteAssetRow(this.db, asset, asset.id)) await this.discardStored(asset);
  }

  /**
   * A URL anyone holding it can download the asset from until `ttlSeconds` pass: presigned by S3, or signed by
   * the gateway (`/files/{id}?expires=…&signature=…`). Providers hand these to upstreams for input media.
   */
  async signedContentUrl(assetId: string, ttlSeconds: number): Promise<string> {
    const asset = await findAssetById(this.db, assetId);
    if (!asset) throw new ApiError('not_found', 404, `No asset with id ${assetId}.`);
    return this.signedUrlOf(asset, ttlSeconds);
  }

  /** {@link signedContentUrl} for an asset already loaded. */
  async signedUrlOf(asset: AssetRecord, ttlSeconds: number): Promise<string> {
    const presigned = await this.storage.presignedUrl(asset.storageKey, ttlSeconds, asset.mediaType);
    return presigned ?? this.signedFileUrl(asset.id, ttlSeconds);
  }

  /**
   * A URL of the gateway itself (`/files/{id}?expires=…&signature=…`) serving the asset without an API key
   * until `ttlSeconds` pass, made without a lookup (generation outputs list these). On S3 it redirects to a
   * fresh presigned URL.
   */
  signedFileUrl(assetId: string, ttlSeconds: number = this.options.signedUrlTtlSeconds): string {
    const { expires, signature } = this.signer.sign(assetId, Math.floor(this.now() / 1000) + ttlSeconds);
    return `${this.options.publicUrl}/files/${assetId}?expires=${expires}&signature=${signature}`;
  }

  /**
   * {@link signedFileUrl} of an asset's thumbnail (`&variant=thumbnail`): the variant is signed too, so a link
   * to the file cannot be turned into one to the thumbnail, nor the other way round.
   */
  signedThumbnailUrl(assetId: string, ttlSeconds: number = this.options.signedUrlTtlSeconds): string {
    const expiry = Math.floor(this.now() / 1000) + ttlSeconds;
    const { expires, signature } = this.signer.sign(assetId, expiry, 'thumbnail');
    return `${this.options.publicUrl}/files/${assetId}?variant=thumbnail&expires=${expires}&signature=${signature}`;
  }

  /**
   * The asset a gateway-signed URL names, for its file or (`variant` `thumbnail`) its thumbnail; a tampered,
   * foreign or expired signature, or an unknown variant, is a 403; a thumbnail of a kind that has none, a 404.
   */
  async fromSignedUrl(
    assetId: string,
    expires: unknown,
    signature: unknown,
    variant: unknown = undefined,
  ): Promise<AssetRecord> {
    const check =
      variant === undefined || variant === 'thumbnail'
        ? this.signer.check(assetId, expires, signature, Math.floor(this.now() / 1000), variant)
        : 'invalid';
    if (check !== 'valid') {
      throw new ApiError(
        'forbidden',
        403,
        check === 'expired' ? 'This link has expired.' : 'This link is not valid.',
      );
    }
    const asset = await findAssetById(this.db, assetId);
    if (!asset) throw new ApiError('not_found', 404, `No asset with id ${assetId}.`);
    assertHasBytes(asset);
    if (variant === 'thumbnail' && asset.thumbnailKey === null && !this.hasThumbnail(asset.kind)) {
      throw new ApiError('not_found', 404, `Asset ${assetId} has no thumbnail.`);
    }
    return asset;
  }

  /**
   * The sidecar C2PA manifest store of an output stored `sidecar`; a 404 naming where its manifest is otherwise
   * (embedded in a `signed` file, or none).
   */
  async sidecarManifest(asset: AssetRecord): Promise<Readable> {
    if (asset.manifestKey === null) {
      const where =
        asset.provenance === 'signed'
          ? 'its C2PA manifest is embedded in its file'
          : asset.provenance === null
            ? 'it is not a generation output'
            : `its provenance is ${asset.provenance}`;
      throw new ApiError('not_found', 404, `Asset ${asset.id} has no sidecar manifest: ${where}.`);
    }
    assertHasBytes(asset);
    return this.storage.read(asset.manifestKey);
  }

  /** The bytes of an asset, or of an inclusive range of them. */
  read(asset: AssetRecord, range?: ByteRange): Promise<Readable> {
    assertHasBytes(asset);
    return this.storage.read(asset.storageKey, range);
  }

  /** A local file with the asset's bytes, for programs that need a path (the local renderer, ffprobe). */
  localFile(storageKey: string): Promise<string> {
    return this.storage.localFile(storageKey);
  }
}

/** The public JSON of an asset. */
export function assetJson(a: AssetRecord, publicUrl: string): Asset {
  return {
    id: a.id,
    uri: `asset://${a.id}`,
    url: `${publicUrl}/api/v1/assets/${a.id}/content`,
    kind: a.kind,
    mediaType: a.mediaType,
    bytes: a.bytes,
    sha256: a.sha256,
    ...presentFacts(a),
    ...(a.fps !== null ? { fps: a.fps } : {}),
    ...(a.videoCodec !== null ? { videoCodec: a.videoCodec } : {}),
    ...(a.audioCodec !== null ? { audioCodec: a.audioCodec } : {}),
    source: a.source,
    ...(a.sourceUrl !== null ? { sourceUrl: a.sourceUrl } : {}),
    createdAt: a.createdAt.toISOString(),
    status: a.deletedReason ?? 'available',
    expiresAt: a.expiresAt?.toISOString() ?? null,
    deletedAt: a.deletedAt?.toISOString() ?? null,
    ...(a.provenance !== null
      ? {
          provenance: {
            state: a.provenance,
            ...(a.provenanceReason !== null ? { reason: a.provenanceReason } : {}),
            ...(a.manifestKey !== null ? { manifestUrl: `${publicUrl}/api/v1/assets/${a.id}/manifest` } : {}),
          },
        }
      : {}),
  };
}

/** Refuses (410) the bytes of an asset whose file was deleted with its generation or expired. */
export function assertHasBytes(a: AssetRecord): void {
  if (a.deletedAt === null) return;
  const when = a.deletedAt.toISOString();
  throw a.deletedReason === 'expired'
    ? new ApiError(
        'asset_expired',
        410,
        `Asset ${a.id} expired at ${when}: its file was deleted by retention.`,
      )
    : new ApiError('asset_deleted', 410, `Asset ${a.id} was deleted at ${when} with its generation.`);
}
