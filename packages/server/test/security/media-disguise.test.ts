import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng, startGateway, type TestGateway, type TestResponse, upload } from '../harness.ts';
import { ffmpegOutput, makeVideo } from '../media-fixtures.ts';
import { messagesOf } from './error-answers.ts';
import {
  DISGUISE_CORPUS,
  type Listeners,
  namesAPath,
  startTargets,
  type Targets,
} from './media-disguise-corpus.ts';

/** A real MP3 made by ffmpeg. */
const makeMp3 = (seconds: number) =>
  ffmpegOutput('mp3', ['-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`, '-c:a', 'libmp3lame']);

/** A generation with `sourceVideo` (HappyHorse 1.0: a video slot that takes any container). */
const withSourceVideo = (uri: string) => ({
  type: 'video',
  model: 'happyhorse-1.0',
  input: { prompt: 'a paper boat on a pond', sourceVideo: uri },
});

/** A generation with a voiceover in `speechAudio` (Seedance 2.0 Relaxed: an audio slot). */
const withSpeech = (uri: string, image: string) => ({
  type: 'video',
  model: 'seedance-2.0-relaxed',
  input: { prompt: 'a paper boat on a pond', referenceAssetUris: [image], speechAudio: uri },
});

describe('playlists and manifests disguised as media', () => {
  let t: TestGateway;
  let targets: Targets;
  let listeners: Listeners;
  let image: { uri: string };
  let assetsBefore: number;

  beforeAll(async () => {
    ({ targets, listeners } = await startTargets());
    // Nothing renders: every case here must be refused before a generation exists.
    t = await startGateway('pglite', { REELAY_WORKER_CONCURRENCY: '0' });
    image = await upload(t, await makePng(800, 600, [30, 120, 200]), 'image/png');
  });
  afterAll(async () => {
    await t?.stop();
    await listeners?.close();
  });

  const assetCount = async () =>
    Number((await t.gateway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM assets'))[0]?.n);

  /** A refusal: a 4xx whose messages name no path of this machine and hold nothing of the canary. */
  function expectRefused(r: TestResponse, what: string) {
    expect(r.status, `${what}: ${r.text}`).toBeGreaterThanOrEqual(400);
    expect(r.status, `${what}: ${r.text}`).toBeLessThan(500);
    for (const message of messagesOf(r)) {
      expect(namesAPath(message, [t.dataDir, targets.canaryDir, tmpdir()]), `${what}: ${message}`).toBe(
        false,
      );
      expect(message).not.toContain(targets.token);
    }
    expect(r.text).not.toContain(targets.token);
  }

  it('takes real media in the same slots, so the refusals below are about the files alone', async () => {
    const video = await makeVideo({ width: 720, height: 1280, fps: 24, seconds: 3 });
    const voice = await makeMp3(2);
    const a = await t.api(
      'POST',
      '/api/v1/generations',
      withSourceVideo(`data:video/mp4;base64,${video.toString('base64')}`),
    );
    expect(a.status, a.text).toBe(202);
    const b = await t.api(
      'POST',
      '/api/v1/generations',
      withSpeech(`data:audio/mpeg;base64,${voice.toString('base64')}`, image.uri),
    );
    expect(b.status, b.text).toBe(202);
    const mp3 = await upload(t, voice, 'audio/mpeg');
    expect(mp3).toMatchObject({ kind: 'audio', mediaType: 'audio/mpeg' });
    for (const id of [a.json.id, b.json.id]) await t.api('POST', `/api/v1/generations/${id}/cancel`);
    assetsBefore = await assetCount();
    expect(await listeners.counts()).toEqual({ tcp: 0, http: 0, udp: 0, canaryRead: false });
  });

  it.each(DISGUISE_CORPUS)('refuses the $name as an upload and as a data: input', async (file) => {
    const bytes = file.bytes(targets);
    const base64 = bytes.toString('base64');
    const uploaded = await t.api('POST', '/api/v1/assets', new Uint8Array(bytes), {
      'content-type': 'application/octet-stream',
    });
    expectRefused(uploaded, 'upload');
    const asVideo = await t.api(
      'POST',
      '/api/v1/generations',
      withSourceVideo(`data:video/mp4;base64,${base64}`),
    );
    expectRefused(asVideo, 'data: in sourceVideo');
    const asAudio = await t.api(
      'POST',
      '/api/v1/generations',
      withSpeech(`data:audio/mpeg;base64,${base64}`, image.uri),
    );
    expectRefused(asAudio, 'data: in speechAudio');
    expect(await listeners.counts()).toEqual({ tcp: 0, http: 0, udp: 0, canaryRead: false });
  });

  it('kept none of them, and no asset has the canary video’s size', async () => {
    expect(await assetCount()).toBe(assetsBefore);
    const canary = await t.gateway.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM assets WHERE width = $1 AND height = $2',
      [targets.canarySize.width, targets.canarySize.height],
    );
    expect(canary[0]?.n).toBe(0);
    expect(await listeners.counts()).toEqual({ tcp: 0, http: 0, udp: 0, canaryRead: false });
  });
});
