import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng, startGateway, type TestGateway, upload, waitForFinal } from './harness.ts';
import { makeVideo } from './media-fixtures.ts';
import { startTestS3, type TestS3 } from './s3-server.ts';

/** The whole gateway on S3 storage (a local server that checks signatures): uploads, reads, links, renders. */
describe('the gateway on S3 storage', () => {
  let s3: TestS3;
  let t: TestGateway;
  beforeAll(async () => {
    s3 = await startTestS3('reelay-gateway');
    t = await startGateway('pglite', {
      REELAY_STORAGE_DRIVER: 's3',
      REELAY_S3_BUCKET: s3.bucket,
      REELAY_S3_ENDPOINT: s3.endpoint,
      REELAY_S3_FORCE_PATH_STYLE: 'on',
      REELAY_S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      REELAY_S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await s3?.stop();
  });

  it('stores uploads in the bucket and serves them back, with ranges', async () => {
    const video = await makeVideo({ width: 720, height: 720, fps: 24, seconds: 3 });
    const asset = await upload(t, video, 'video/mp4');
    const listed = await fetch(`${s3.endpoint}/${s3.bucket}/`);
    // The bucket refuses unsigned listing: the object is checked through the gateway instead.
    expect([200, 403]).toContain(listed.status);
    const part = await fetch(`${t.baseUrl}/api/v1/assets/${asset.id}/content`, {
      headers: { authorization: `Bearer ${t.key}`, range: 'bytes=1000-1999' },
    });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(video.subarray(1000, 2000));
    const whole = await t.api('GET', `/api/v1/assets/${asset.id}/content`);
    expect(whole.status).toBe(200);
    expect(Number(whole.headers.get('content-length'))).toBe(video.length);
  });

  it('renders from an S3 input and hands the output out as a link that redirects to a presigned URL', async () => {
    const image = await upload(t, await makePng(800, 600, [30, 160, 90]), 'image/png');
    const created = await t.api('POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'a green field', duration: 3, audioEnabled: false, referenceAssetUris: [image.uri] },
    });
    expect(created.status, created.text).toBe(202);
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status, JSON.stringify(done.json.error)).toBe('succeeded');
    const link: string = done.json.outputs[0].url.replace(t.gateway.config.publicUrl, t.baseUrl);
    expect(link).toMatch(/\/files\/asset_\w+\?expires=\d+&signature=/);
    const redirect = await fetch(link, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const presigned = redirect.headers.get('location') ?? '';
    expect(presigned.startsWith(`${s3.endpoint}/${s3.bucket}/`)).toBe(true);
    expect(presigned).toMatch(/X-Amz-Signature=/);
    const file = await fetch(presigned);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('video/mp4');
    expect((await file.arrayBuffer()).byteLength).toBe(done.json.outputs[0].bytes);
    const tampered = new URL(link);
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 1));
    expect((await fetch(tampered, { redirect: 'manual' })).status).toBe(403);
  });

  it('deletes the object with the asset', async () => {
    const asset = await upload(t, await makePng(400, 400, [1, 2, 3]), 'image/png');
    expect((await t.api('DELETE', `/api/v1/assets/${asset.id}`)).status).toBe(204);
    expect((await t.api('GET', `/api/v1/assets/${asset.id}/content`)).status).toBe(404);
  });
});
