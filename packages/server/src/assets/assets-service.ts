import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Database } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { newId } from '../ids.ts';
import { type AssetRecord, findAsset, insertAsset } from './asset-repository.ts';
import { decodeDataUri } from './data-uri.ts';
import { identifyMedia } from './identify-media.ts';
import type { LocalStorage } from './local-storage.ts';
import { presentFacts } from './media-facts.ts';
import { receiveFile } from './receive-file.ts';

export interface AssetsOptions {
  maxUploadBytes: number;
  maxDataUriBytes: number;
  ffprobePath: string;
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

/** Media in and out: uploads, data: URIs, generation outputs, and reading them back. */
export class AssetsService {
  constructor(
    private readonly db: Database,
    readonly storage: LocalStorage,
    private readonly options: AssetsOptions,
  ) {}

  /** Stores an uploaded stream as an asset of `accountId`, deciding its type from its bytes. */
  async upload(
    accountId: string,
    body: Readable,
    source: 'upload' | 'data' = 'upload',
  ): Promise<AssetRecord> {
    const received = await receiveFile(body, this.storage.tempDir(), this.options.maxUploadBytes);
    return this.adopt(accountId, received.path, received.bytes, received.sha256, source, null);
  }

  /** Turns a `data:` URI into an asset; errors name `param`. */
  async fromDataUri(accountId: string, uri: string, param: string): Promise<AssetRecord> {
    let decoded: ReturnType<typeof decodeDataUri>;
    try {
      decoded = decodeDataUri(uri, this.options.maxDataUriBytes);
    } catch {
      throw new ApiError(
        'payload_too_large',
        413,
        `${param}: the data URI is larger than ${this.options.maxDataUriBytes} bytes.`,
        { param },
      );
    }
    if (decoded === null) {
      throw new ApiError('validation_failed', 422, `${param}: not a valid data URI.`, { param });
    }
    try {
      return await this.upload(accountId, Readable.from([decoded.bytes]), 'data');
    } catch (error) {
      if (error instanceof ApiError) {
        throw new ApiError(error.code, error.status, `${param}: ${error.message}`, { param });
      }
      throw error;
    }
  }

  /** Registers a finished local file (e.g. a rendered output) as an asset; the file is moved into storage. */
  async adopt(
    accountId: string,
    path: string,
    bytes: number,
    sha256: string,
    source: AssetRecord['source'],
    generationId: string | null,
  ): Promise<AssetRecord> {
    try {
      const facts = await identifyMedia(path, this.options.ffprobePath);
      const id = newId('asset');
      const storageKey = `${accountId}/${id}.${EXTENSIONS[facts.mediaType] ?? 'bin'}`;
      await this.storage.putFile(storageKey, path);
      return await insertAsset(this.db, {
        id,
        accountId,
        ...facts,
        bytes,
        sha256,
        storageKey,
        source,
        generationId,
      });
    } finally {
      await rm(path, { force: true });
    }
  }

  async get(accountId: string, id: string): Promise<AssetRecord> {
    const asset = await findAsset(this.db, accountId, id);
    if (!asset) throw new ApiError('not_found', 404, `No asset with id ${id}.`);
    return asset;
  }
}

/** The public JSON of an asset. */
export function assetJson(a: AssetRecord, publicUrl: string) {
  return {
    id: a.id,
    uri: `asset://${a.id}`,
    url: `${publicUrl}/api/v1/assets/${a.id}/content`,
    kind: a.kind,
    mediaType: a.mediaType,
    bytes: a.bytes,
    sha256: a.sha256,
    ...presentFacts(a),
    createdAt: a.createdAt.toISOString(),
  };
}
