import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FetchLike } from '../providers/upstream/call-upstream.ts';
import { UpstreamError } from '../providers/upstream/upstream-error.ts';
import { RouteFailure } from './route-failure.ts';

export interface DownloadDeps {
  /** The fetch outputs are downloaded with (the SSRF-guarded one in production). */
  fetchOutput: FetchLike;
  maxOutputBytes: number;
  downloadTimeoutMs: number;
  /** Where a download is written before it is moved into storage. */
  downloadDir: string;
}

/**
 * Streams an upstream's output into a file of its own, counting and hashing as it goes, refusing more than
 * `maxOutputBytes`. A 403, 404 or 410 means the result URL expired (the generation fails clearly);
 * 5xx and broken connections are thrown as transient upstream errors to be retried.
 */
export async function downloadOutput(
  deps: DownloadDeps,
  url: string,
  signal: AbortSignal,
): Promise<{ path: string; bytes: number; sha256: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RouteFailure('output_rejected', 'the provider returned an output that is not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new RouteFailure('output_rejected', `the provider returned a ${parsed.protocol} output URL`);
  }
  const timeout = AbortSignal.timeout(deps.downloadTimeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  let response: Response;
  try {
    response = await deps.fetchOutput(parsed.href, { signal: both });
  } catch (error) {
    if (signal.aborted) throw error;
    if (error instanceof RouteFailure) throw error;
    throw new UpstreamError('timeout', `downloading the output failed: ${(error as Error).message}`);
  }
  if (response.status === 403 || response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    throw new UpstreamError(
      'expired',
      `the provider's result URL is gone (HTTP ${response.status}); the output expired before it was stored`,
      { status: response.status },
    );
  }
  if (response.status >= 500 || response.status === 429) {
    await response.body?.cancel();
    throw new UpstreamError('server', `downloading the output failed with HTTP ${response.status}`, {
      status: response.status,
    });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new RouteFailure(
      'output_unreachable',
      `downloading the output failed with HTTP ${response.status}`,
    );
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > deps.maxOutputBytes) {
    await response.body.cancel();
    throw new RouteFailure(
      'output_too_large',
      `the output is ${declared} bytes; at most ${deps.maxOutputBytes} are stored`,
    );
  }
  const path = join(deps.downloadDir, `${randomUUID()}.download`);
  // The download folder is made the first time it is found missing, not before every download.
  const file = await open(path, 'wx')
    .catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
      await mkdir(deps.downloadDir, { recursive: true });
      return open(path, 'wx');
    })
    .catch(async (error: unknown) => {
      await response.body?.cancel();
      throw error;
    });
  const hash = createHash('sha256');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > deps.maxOutputBytes) {
        done(new RouteFailure('output_too_large', `the output is over ${deps.maxOutputBytes} bytes`));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as never), count, file.createWriteStream(), {
      signal: both,
    });
  } catch (error) {
    await rm(path, { force: true });
    if (signal.aborted || error instanceof RouteFailure) throw error;
    throw new UpstreamError('timeout', `downloading the output broke off: ${(error as Error).message}`);
  }
  return { path, bytes, sha256: hash.digest('hex') };
}
