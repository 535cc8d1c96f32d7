import { z } from 'zod';
import type { FileHandOver, HandedOver, HandOverFile } from '../provider.ts';
import { callUpstream, errorForStatus, type FetchLike } from '../upstream/call-upstream.ts';
import { fileParts, sendStream, uploadTimeoutMs } from '../upstream/send-file.ts';

export interface FalStorageConfig {
  key: string;
  /** fal's REST origin, e.g. https://rest.fal.ai. */
  storageUrl: string;
  timeoutMs: number;
  /** How long fal keeps an upload (asked for with each one). */
  lifetimeSeconds: number;
  /** Above this size a file goes up in parts (default 90 MB, as fal's client); tests lower it. */
  multipartBytes?: number;
  /** Each part's size (default 10 MB). */
  partBytes?: number;
}

/** Above this size a file goes up in parts, as fal's own client does. */
export const FAL_MULTIPART_BYTES = 90 * 1024 * 1024;
/** The size of each part of a multipart upload. */
export const FAL_PART_BYTES = 10 * 1024 * 1024;

const initiateSchema = z.object({ upload_url: z.string().url(), file_url: z.string().url() });
const partSchema = z.object({ partNumber: z.number().int(), etag: z.string() });

const classify = ({ status }: { status: number }) =>
  status < 400 ? null : errorForStatus(status, `fal storage HTTP ${status}`);

/** A file name fal keeps the type of: the asset id with the extension of its media type. */
function fileName(file: HandOverFile): string {
  const subtype = file.mediaType.split('/')[1]?.split(/[+;-]/)[0] ?? 'bin';
  return `${file.assetId}.${subtype === 'jpeg' ? 'jpg' : subtype === 'quicktime' ? 'mov' : subtype}`;
}

/**
 * fal's storage upload, as its client speaks it: `POST {rest}/storage/upload/initiate?storage_type=fal-cdn-v3`
 * with `{content_type, file_name}` (and the lifetime asked for in `X-Fal-Object-Lifecycle`) answers
 * `{upload_url, file_url}`; the bytes are PUT to `upload_url` and `file_url` is what requests name. Past 90 MB:
 * `initiate-multipart`, then 10 MB parts PUT to `{upload_url path}/{n}` (each answering `{partNumber, etag}`) and
 * `POST {upload_url path}/complete` with the parts. The bytes are streamed from the stored file.
 */
export class FalStorage implements FileHandOver {
  readonly way = 'upload';

  constructor(private readonly deps: { fetch: FetchLike; now: () => number; config: FalStorageConfig }) {}

  accepts(): boolean {
    return true;
  }

  async handOver(file: HandOverFile, signal: AbortSignal): Promise<HandedOver> {
    const { config, now } = this.deps;
    const multipart = file.bytes > (config.multipartBytes ?? FAL_MULTIPART_BYTES);
    const partBytes = config.partBytes ?? FAL_PART_BYTES;
    const initiated = await callUpstream({
      fetch: this.deps.fetch,
      method: 'POST',
      url: `${config.storageUrl}/storage/upload/${multipart ? 'initiate-multipart' : 'initiate'}?storage_type=fal-cdn-v3`,
      headers: {
        authorization: `Key ${config.key}`,
        'content-type': 'application/json',
        'x-fal-object-lifecycle': JSON.stringify({ expiration_duration_seconds: config.lifetimeSeconds }),
      },
      body: { content_type: file.mediaType, file_name: fileName(file) },
      timeoutMs: config.timeoutMs,
      signal,
      now,
      schema: initiateSchema,
      classify,
    });
    const expiresAt = now() + config.lifetimeSeconds * 1000;
    if (!multipart) {
      await sendStream(
        this.deps.fetch,
        'fal storage PUT',
        initiated.upload_url,
        {
          method: 'PUT',
          headers: { 'content-type': file.mediaType, 'content-length': String(file.bytes) },
          body: fileParts(file.path),
        },
        { timeoutMs: uploadTimeoutMs(config.timeoutMs, file.bytes), signal },
      );
      return { url: initiated.file_url, expiresAt };
    }
    const upload = new URL(initiated.upload_url);
    const at = (suffix: string) => `${upload.origin}${upload.pathname}/${suffix}${upload.search}`;
    const parts: z.infer<typeof partSchema>[] = [];
    for (let start = 0, n = 1; start < file.bytes; start += partBytes, n++) {
      const end = Math.min(start + partBytes, file.bytes) - 1;
      const answer = await sendStream(
        this.deps.fetch,
        `fal storage part ${n}`,
        at(String(n)),
        {
          method: 'PUT',
          headers: { 'content-length': String(end - start + 1) },
          body: fileParts(file.path, { start, end }),
        },
        { timeoutMs: uploadTimeoutMs(config.timeoutMs, end - start + 1), signal },
      );
      parts.push(partSchema.parse(await answer.json()));
    }
    await callUpstream({
      fetch: this.deps.fetch,
      method: 'POST',
      url: at('complete'),
      headers: { 'content-type': 'application/json' },
      body: { parts: parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })) },
      timeoutMs: config.timeoutMs,
      signal,
      now,
      schema: z.unknown(),
      classify,
    });
    return { url: initiated.file_url, expiresAt };
  }
}
