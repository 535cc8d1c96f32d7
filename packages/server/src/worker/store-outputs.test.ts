import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoopbackOrigin, startLoopbackOrigin } from '../../test/loopback-origin.ts';
import { UpstreamError } from '../providers/upstream/upstream-error.ts';
import { RouteFailure } from './route-failure.ts';
import { downloadOutput } from './store-outputs.ts';

const BODY = Buffer.alloc(64 * 1024, 7);

describe('downloading an upstream output', () => {
  let origin: LoopbackOrigin;
  let dir = '';
  let base = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-download-'));
    origin = await startLoopbackOrigin();
    base = `http://127.0.0.1:${origin.port}`;
    origin.route('/ok.mp4', (_req, res) => res.writeHead(200, { 'content-type': 'video/mp4' }).end(BODY));
    origin.route('/chunked.mp4', (_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      for (let i = 0; i < 4; i++) res.write(BODY);
      res.end();
    });
    origin.route('/expired.mp4', (_req, res) => res.writeHead(403).end('<Error>AccessDenied</Error>'));
    origin.route('/gone.mp4', (_req, res) => res.writeHead(404).end());
    origin.route('/busy.mp4', (_req, res) => res.writeHead(503).end());
  });
  afterAll(async () => {
    await origin.close();
    await rm(dir, { recursive: true, force: true });
  });

  const deps = (maxOutputBytes = 1024 * 1024) => ({
    fetchOutput: fetch,
    maxOutputBytes,
    downloadTimeoutMs: 10_000,
    downloadDir: join(dir, 'downloads'),
  });
  const signal = () => new AbortController().signal;

  it('streams the bytes into a file with their size and SHA-256', async () => {
    const file = await downloadOutput(deps(), `${base}/ok.mp4`, signal());
    expect(file.bytes).toBe(BODY.length);
    expect(file.sha256).toBe(createHash('sha256').update(BODY).digest('hex'));
    expect((await readFile(file.path)).equals(BODY)).toBe(true);
  });

  it('refuses more bytes than the cap, declared or streamed, and leaves no partial file', async () => {
    await expect(downloadOutput(deps(1000), `${base}/ok.mp4`, signal())).rejects.toMatchObject({
      code: 'output_too_large',
    });
    const before = (await readdir(join(dir, 'downloads'))).length;
    const error = await downloadOutput(deps(BODY.length * 2), `${base}/chunked.mp4`, signal()).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(RouteFailure);
    expect(error.code).toBe('output_too_large');
    expect((await readdir(join(dir, 'downloads'))).length).toBe(before);
  });

  it.each(['expired', 'gone'])('reports a %s result URL as expired', async (name) => {
    const error = await downloadOutput(deps(), `${base}/${name}.mp4`, signal()).catch((e) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.kind).toBe('expired');
  });

  it('treats a 5xx as transient and a non-http URL as rejected', async () => {
    expect((await downloadOutput(deps(), `${base}/busy.mp4`, signal()).catch((e) => e)).kind).toBe('server');
    expect((await downloadOutput(deps(), 'ftp://x/y.mp4', signal()).catch((e) => e)).code).toBe(
      'output_rejected',
    );
  });
});
