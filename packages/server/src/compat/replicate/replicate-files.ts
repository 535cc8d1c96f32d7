import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import type { AssetRecord } from '../../assets/asset-record.ts';
import { ApiError } from '../../errors.ts';
import { REPLICATE_PREFIX } from './replicate-prediction.ts';

const badForm = (message: string) => new ApiError('invalid_request', 400, message, { param: 'content' });

/**
 * Reads Replicate's file upload form: the file in the `content` part (streamed to `store`, never buffered), its
 * file name, and the `metadata` part (JSON, sent by the client as a small file part of its own).
 */
export function readFileForm(
  headers: IncomingHttpHeaders,
  body: Readable,
  store: (file: Readable, declaredType: string | null) => Promise<AssetRecord>,
): Promise<{ asset: AssetRecord; name: string; metadata: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: headers as { 'content-type': string },
        limits: { files: 2, fields: 20, fieldSize: 64 * 1024, parts: 32 },
      });
    } catch (error) {
      reject(badForm(`Send the file as multipart/form-data: ${(error as Error).message}.`));
      return;
    }
    let stored: Promise<AssetRecord> | null = null;
    let name = '';
    let metadataText = '';
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      body.unpipe(parser);
      body.resume();
      reject(error);
    };
    const keepMetadata = (text: string) => {
      if (metadataText.length + text.length > 64 * 1024) fail(badForm('metadata is larger than 64 KB.'));
      else metadataText += text;
    };
    parser.on('file', (field, stream, filename, _encoding, mimeType) => {
      if (field === 'metadata') {
        stream.on('data', (chunk: Buffer) => keepMetadata(chunk.toString('utf8')));
        return;
      }
      if (field !== 'content' || stored !== null) {
        stream.resume();
        return;
      }
      name = filename || '';
      const declared = mimeType && mimeType !== 'application/octet-stream' ? mimeType : null;
      stored = store(stream, declared);
      stored.catch(fail);
    });
    parser.on('field', (field, value) => {
      if (field === 'metadata') keepMetadata(value);
    });
    parser.on('error', (error: unknown) =>
      fail(badForm(`The multipart body cannot be read: ${(error as Error).message}.`)),
    );
    parser.on('finish', () => {
      if (stored === null) {
        fail(badForm('The form has no file in its "content" part.'));
        return;
      }
      let metadata: Record<string, unknown> = {};
      try {
        const parsed: unknown = metadataText ? JSON.parse(metadataText) : {};
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          metadata = parsed as Record<string, unknown>;
        } else throw new Error('not an object');
      } catch {
        fail(new ApiError('invalid_request', 400, 'metadata must be a JSON object.', { param: 'metadata' }));
        return;
      }
      stored.then((asset) => {
        if (!failed) resolve({ asset, name: name || asset.id, metadata });
      }, fail);
    });
    body.on('error', fail);
    body.pipe(parser);
  });
}

/** The file object as Replicate returns it; `urls.get` is what a prediction input may name the file by. */
export function fileJson(
  asset: AssetRecord,
  file: { name: string; metadata: Record<string, unknown> },
  publicUrl: string,
) {
  return {
    id: asset.id,
    name: file.name,
    content_type: asset.mediaType,
    size: asset.bytes,
    etag: asset.sha256,
    checksums: { sha256: asset.sha256 },
    metadata: file.metadata,
    created_at: asset.createdAt.toISOString(),
    expires_at: null,
    urls: { get: `${publicUrl}${REPLICATE_PREFIX}/files/${asset.id}` },
  };
}

/** Every string in a prediction input that names a file by its `urls.get`, as the asset URI Reelay reads. */
export function filesAsAssets(value: unknown, publicUrl: string): unknown {
  const prefix = `${publicUrl}${REPLICATE_PREFIX}/files/`;
  if (typeof value === 'string') {
    const id = value.startsWith(prefix) ? value.slice(prefix.length) : '';
    return /^asset_[A-Za-z0-9]+$/.test(id) ? `asset://${id}` : value;
  }
  if (Array.isArray(value)) return value.map((v) => filesAsAssets(v, publicUrl));
  return value;
}
