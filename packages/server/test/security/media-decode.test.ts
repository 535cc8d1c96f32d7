import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../src/media/ffmpeg-binaries.ts';
import { renderVideo } from '../../src/providers/local/render-video.ts';
import { startGateway, type TestGateway, type TestResponse, upload, waitForFinal } from '../harness.ts';
import { makeVideo } from '../media-fixtures.ts';
import { messagesOf } from './error-answers.ts';
import { namesAPath } from './media-disguise-corpus.ts';

const ffmpeg = findFfmpeg(null, process.env.PATH ?? '');

/** The same MP4 with every byte of its media data (`mdat`) zeroed: the index is whole, the pictures are gone. */
function zeroPictureData(mp4: Buffer): Buffer {
  const out = Buffer.from(mp4);
  let zeroed = 0;
  for (let at = 0; at + 8 <= out.length; ) {
    const size = out.readUInt32BE(at);
    if (size < 8) throw new Error('unexpected box size in the fixture');
    if (out.toString('latin1', at + 4, at + 8) === 'mdat') {
      out.fill(0, at + 8, at + size);
      zeroed += size - 8;
    }
    at += size;
  }
  if (zeroed === 0) throw new Error('the fixture has no media data');
  return out;
}

/** A real MKV (H.264 and AAC in Matroska) made by ffmpeg. */
const makeMkv = () => makeVideo({ width: 720, height: 1280, fps: 24, seconds: 3, container: 'mkv' });

const horse = (sourceVideo: string) => ({
  type: 'video',
  model: 'happyhorse-1.0',
  input: {
    prompt: 'a paper boat on a pond',
    aspectRatio: '9:16',
    resolution: '720p',
    duration: 3,
    sourceVideo,
  },
});

describe('videos that cannot be decoded, and MKV', () => {
  let t: TestGateway;
  let zeroed: Buffer;
  let work: string;

  beforeAll(async () => {
    t = await startGateway('pglite');
    zeroed = zeroPictureData(await makeVideo({ width: 720, height: 1280, fps: 24, seconds: 3 }));
    work = await mkdtemp(join(tmpdir(), 'reelay-decode-'));
  });
  afterAll(async () => {
    await t?.stop();
    await rm(work, { recursive: true, force: true });
  });

  function expectNoPath(r: TestResponse) {
    for (const message of messagesOf(r)) {
      expect(namesAPath(message, [t.dataDir, work, tmpdir()]), message).toBe(false);
    }
  }

  it('refuses an MP4 whose picture data is zeroed at upload, with a 415 saying it cannot be decoded', async () => {
    const r = await t.api('POST', '/api/v1/assets', new Uint8Array(zeroed), { 'content-type': 'video/mp4' });
    expect(r.status, r.text).toBe(415);
    expect(r.json.error.code).toBe('unsupported_media_type');
    expect(r.json.error.message).toMatch(/video\/mp4 but its video cannot be decoded/);
    expectNoPath(r);
  });

  it('refuses it as a data: input of a generation too, naming the field', async () => {
    const r = await t.api(
      'POST',
      '/api/v1/generations',
      horse(`data:video/mp4;base64,${zeroed.toString('base64')}`),
    );
    expect(r.status, r.text).toBe(422);
    expect(r.json.error.param).toBe('input.sourceVideo');
    expect(messagesOf(r).some((m) => /its video cannot be decoded/.test(m))).toBe(true);
    expectNoPath(r);
  });

  it('accepts an MKV, stores it as video/x-matroska and renders a generation from it', async () => {
    const mkv = await upload(t, await makeMkv(), 'video/x-matroska');
    expect(mkv).toMatchObject({
      kind: 'video',
      mediaType: 'video/x-matroska',
      width: 720,
      height: 1280,
      videoCodec: 'h264',
      audioCodec: 'aac',
    });
    const created = await t.api('POST', '/api/v1/generations', horse(mkv.uri));
    expect(created.status, created.text).toBe(202);
    const done = await waitForFinal(t, created.json.id, {}, 120_000);
    expect(done.json.status, done.text).toBe('succeeded');
    expect(done.json.outputs[0]).toMatchObject({ mediaType: 'video/mp4', width: 720, height: 1280 });
  });

  it('stops a render whose source never yields a frame, instead of looping on it', async () => {
    const source = join(work, 'zeroed.mp4');
    await writeFile(source, zeroed);
    const dir = join(work, 'render');
    const spec = {
      kind: 'video' as const,
      width: 160,
      height: 96,
      fps: 12,
      durationSeconds: 2,
      audio: false,
      prompt: 'stall',
      label: 'test',
      images: [],
      video: source,
      videoType: 'video/mp4',
    };
    const failure = await renderVideo(spec, dir, { ffmpegPath: ffmpeg, stallMs: 3000 }).then(
      () => null,
      (error: Error) => error,
    );
    expect(failure?.name).toBe('RenderError');
    expect(failure?.message).toMatch(/made no progress for 3 s .* and was stopped/);
    expect(namesAPath(failure?.message ?? '', [work, tmpdir()])).toBe(false);
    const left = await access(join(dir, 'output.mp4')).then(
      () => true,
      () => false,
    );
    expect(left).toBe(false);
  });
});
