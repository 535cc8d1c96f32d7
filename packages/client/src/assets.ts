import type { CreateOptions, RequestOptions } from './generations.ts';
import type { Transport } from './transport.ts';
import type { Asset } from './types.ts';
import {
  type OpenedSource,
  openSource,
  progressBody,
  type TransferProgress,
  type UploadSource,
} from './upload-body.ts';

/** File access, which only the Node entry has. */
export interface FileAccess {
  open(path: string): Promise<OpenedSource>;
  write(stream: ReadableStream<Uint8Array>, path: string): Promise<void>;
}

export interface UploadOptions extends CreateOptions {
  /** Sent as Content-Type; by default the Blob's type or the file extension's. The gateway decides from the bytes. */
  contentType?: string;
  /** Called as bytes go out. */
  onProgress?: (progress: TransferProgress) => void;
}

/** `asset_x`, `asset://asset_x` or an output's URL → `asset_x`. */
export function assetIdOf(ref: string): string {
  const id = /asset_[A-Za-z0-9]+/.exec(ref)?.[0];
  if (!id) throw new TypeError(`not an asset id, asset:// URI or asset URL: ${ref}`);
  return id;
}

/** `client.assets`: upload media (streamed, never held whole in memory), read facts, download bytes. */
export class Assets {
  constructor(
    private readonly t: Transport,
    private readonly files: FileAccess | null,
  ) {}

  /** Uploads a Blob, bytes, a stream or (Node entry) `{ path }` as the raw request body. */
  async upload(source: UploadSource, options: UploadOptions = {}): Promise<Asset> {
    let opened: OpenedSource;
    if (
      typeof source === 'object' &&
      source !== null &&
      'path' in source &&
      typeof source.path === 'string'
    ) {
      if (!this.files) throw new TypeError('uploading from a path needs the Node entry: @reelay/client/node');
      opened = await this.files.open(source.path);
    } else {
      opened = openSource(source as Exclude<UploadSource, { path: string }>);
    }
    // Where fetch cannot stream a request body, a Blob goes whole and its progress is told once, at the end.
    const report = options.onProgress;
    let reported = false;
    const onProgress =
      report &&
      ((p: TransferProgress) => {
        reported = true;
        report(p);
      });
    const asset = await this.t.json<Asset>({
      method: 'POST',
      path: '/api/v1/assets',
      idempotencyKey: options.idempotencyKey,
      signal: options.signal,
      body: async () => ({
        body: progressBody(opened, onProgress),
        contentType: options.contentType ?? opened.contentType ?? 'application/octet-stream',
        repeatable: opened.repeatable,
      }),
    });
    if (report && !reported) report({ loaded: asset.bytes, total: opened.size ?? asset.bytes });
    return asset;
  }

  get(ref: string, options: RequestOptions = {}): Promise<Asset> {
    return this.t.json({ method: 'GET', path: `/api/v1/assets/${assetIdOf(ref)}`, signal: options.signal });
  }

  /** The bytes of an asset or output (by id, `asset://` URI or URL), as a stream. */
  async download(ref: string, options: RequestOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const response = await this.t.send({
      method: 'GET',
      path: `/api/v1/assets/${assetIdOf(ref)}/content`,
      accept: '*/*',
      signal: options.signal,
    });
    if (!response.body) throw new TypeError('the download has no body');
    return response.body as ReadableStream<Uint8Array>;
  }

  /** Node entry: streams an asset or output into a file. */
  async downloadTo(
    ref: string,
    path: string,
    options: RequestOptions & { onProgress?: (p: TransferProgress) => void } = {},
  ): Promise<void> {
    if (!this.files) throw new TypeError('writing a file needs the Node entry: @reelay/client/node');
    const response = await this.t.send({
      method: 'GET',
      path: `/api/v1/assets/${assetIdOf(ref)}/content`,
      accept: '*/*',
      signal: options.signal,
    });
    if (!response.body) throw new TypeError('the download has no body');
    const total = Number(response.headers.get('content-length')) || null;
    const opened: OpenedSource = {
      make: () => response.body as ReadableStream<Uint8Array>,
      size: total,
      contentType: null,
      repeatable: false,
    };
    await this.files.write(progressBody(opened, options.onProgress) as ReadableStream<Uint8Array>, path);
  }
}
