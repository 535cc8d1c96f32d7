import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { FileHandOver, HandedOver, HandOverFile } from '../provider.ts';
import type { FetchLike } from '../upstream/call-upstream.ts';
import { fileParts, sendStream, uploadTimeoutMs } from '../upstream/send-file.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';

export interface ReplicateFilesConfig {
  token: string;
  baseUrl: string;
  timeoutMs: number;
}

/** Replicate keeps an uploaded file for a limited time; when its answer gives no `expires_at`, a day is assumed. */
export const REPLICATE_FILE_LIFETIME_MS = 24 * 3_600_000;

const fileSchema = z.object({
  id: z.string().min(1),
  expires_at: z.string().nullish(),
  urls: z.object({ get: z.string().url() }),
});

/**
 * Replicate's Files API: `POST /v1/files` with a multipart/form-data body whose `content` part is the file (its
 * name and type) answers a file object; its `urls.get` is what a prediction's input names. The body is streamed
 * from the stored file, its length known beforehand.
 */
export class ReplicateFiles implements FileHandOver {
  readonly way = 'upload';

  constructor(private readonly deps: { fetch: FetchLike; now: () => number; config: ReplicateFilesConfig }) {}

  accepts(): boolean {
    return true;
  }

  async handOver(file: HandOverFile, signal: AbortSignal): Promise<HandedOver> {
    const { config, now } = this.deps;
    const boundary = `reelay-${randomBytes(12).toString('hex')}`;
    const name = `${file.assetId}.${file.mediaType.split('/')[1]?.split(/[+;-]/)[0] ?? 'bin'}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${name}"\r\n` +
        `Content-Type: ${file.mediaType}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const answer = await sendStream(
      this.deps.fetch,
      'replicate POST /v1/files',
      `${config.baseUrl.replace(/\/+$/, '')}/v1/files`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${config.token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + file.bytes + tail.length),
        },
        body: fileParts(file.path, undefined, head, tail),
      },
      { timeoutMs: uploadTimeoutMs(config.timeoutMs, file.bytes), signal },
    );
    const parsed = fileSchema.safeParse(await answer.json().catch(() => null));
    if (!parsed.success) {
      throw new UpstreamError('malformed', 'replicate POST /v1/files: unexpected answer', {
        status: answer.status,
      });
    }
    const expires = parsed.data.expires_at ? Date.parse(parsed.data.expires_at) : Number.NaN;
    return {
      url: parsed.data.urls.get,
      expiresAt: Number.isFinite(expires) ? expires : now() + REPLICATE_FILE_LIFETIME_MS,
    };
  }
}
