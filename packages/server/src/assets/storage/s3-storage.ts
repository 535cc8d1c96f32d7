import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { randomBase62 } from '../../ids.ts';
import {
  type ByteRange,
  checkStorageKey,
  type Storage,
  StorageKeyMissing,
  type StoredKey,
} from '../storage.ts';

/** Where and how to reach an S3-compatible bucket. */
export interface S3StorageOptions {
  bucket: string;
  region: string;
  /** Another S3-compatible service (MinIO, R2, …); null for AWS itself. */
  endpoint: string | null;
  forcePathStyle: boolean;
  /** Null: the SDK's own default credential chain. */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
  /** Local folder for incoming files and cached copies handed to local programs. */
  cacheDir: string;
}

const isMissing = (error: unknown) =>
  error instanceof S3ServiceException &&
  (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);

/** Keeps assets as objects in an S3-compatible bucket (AWS SDK v3); downloads go out as presigned URLs. */
export class S3Storage implements Storage {
  readonly driver = 's3';
  private readonly client: S3Client;
  private readonly cacheDir: string;
  constructor(private readonly options: S3StorageOptions) {
    this.cacheDir = resolve(options.cacheDir);
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      // Checksums only where S3 requires them: many S3-compatible services refuse the SDK's default
      // streaming-trailer uploads, and the sha256 of every file is already computed on the way in.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
  }

  async putFile(key: string, sourcePath: string, mediaType: string): Promise<void> {
    checkStorageKey(key);
    const size = (await stat(sourcePath)).size;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        Body: createReadStream(sourcePath),
        ContentLength: size,
        ContentType: mediaType,
      }),
    );
    await rm(sourcePath, { force: true });
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    checkStorageKey(key);
    try {
      const object = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      if (!(object.Body instanceof Readable)) throw new Error(`S3 gave no stream for ${key}`);
      return object.Body;
    } catch (error) {
      if (isMissing(error)) throw new StorageKeyMissing(key);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    checkStorageKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async localFile(key: string): Promise<string> {
    const path = join(this.cacheDir, 'objects', checkStorageKey(key));
    try {
      if ((await stat(path)).isFile()) return path;
    } catch {}
    await mkdir(dirname(path), { recursive: true });
    // Downloaded beside its place and renamed, so a concurrent reader never sees half a file.
    const partial = `${path}.${randomBase62(8)}.partial`;
    try {
      await pipeline(await this.read(key), createWriteStream(partial));
      await rename(partial, path);
    } finally {
      await rm(partial, { force: true });
    }
    return path;
  }

  presignedUrl(key: string, ttlSeconds: number, mediaType: string): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: checkStorageKey(key),
      ResponseContentType: mediaType,
    });
    return getSignedUrl(this.client, command, { expiresIn: ttlSeconds });
  }

  async delete(key: string): Promise<void> {
    checkStorageKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
    await rm(join(this.cacheDir, 'objects', key), { force: true });
  }

  incomingDir(): string {
    return join(this.cacheDir, 'incoming');
  }

  async *list(): AsyncIterable<StoredKey> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key) yield { key: object.Key, modifiedMs: object.LastModified?.getTime() ?? Date.now() };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}
