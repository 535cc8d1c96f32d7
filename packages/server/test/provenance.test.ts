import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { initSync, WasmReader } from '@contentauth/c2pa-wasm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { C2paSigner } from '../src/provenance/c2pa-signer.ts';
import {
  DEV_CERTIFICATE_LABEL,
  developmentCredentials,
  loadCredentials,
  makeDevelopmentChain,
} from '../src/provenance/signing-credentials.ts';
import { type FakeUpstreams, startFakeUpstreams } from './fake-upstreams.ts';
import { DATABASES, makePng, startGateway, type TestGateway, upload, waitForFinal } from './harness.ts';

// The manifests are checked by the C2PA reference implementation (c2pa-rs, built to WebAssembly), not by the
// library that signs them.
const require = createRequire(import.meta.url);
initSync({ module: await readFile(require.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });

const ADMIN = 'admin-key-for-provenance-tests-0123456789';
const admin = { authorization: `Bearer ${ADMIN}` };
const TRAINED = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';

type Status = { code: string; explanation?: string };
interface CrAction {
  action: string;
  digitalSourceType?: string;
  parameters: Record<string, unknown>;
}
/** The assertions of a manifest as the reference reader's crJSON gives them. */
interface CrAssertions {
  'c2pa.actions.v2'?: { actions: CrAction[] };
  'c2pa.ingredient.v3'?: Record<string, unknown>;
  'c2pa.hash.data'?: { exclusions: unknown[]; hash: string };
}
interface CrManifest {
  label: string;
  assertions: CrAssertions;
  signature: { certificateInfo: { subject: { CN: string } } };
}
interface ActiveManifest {
  label: string;
  ingredients?: { relationship: string; active_manifest?: string }[];
}
interface Report {
  state: string;
  failures: Status[];
  manifests: Record<string, CrManifest>;
  active: ActiveManifest;
}

/** Reads and validates bytes with the reference reader, trusting `rootPem` (the development root) when given. */
async function verify(format: string, bytes: Uint8Array, rootPem?: string): Promise<Report> {
  const context = rootPem ? JSON.stringify({ trust: { user_anchors: rootPem } }) : undefined;
  const reader = await WasmReader.fromBytes(format, bytes, context);
  try {
    const store = JSON.parse(reader.json());
    const cr = JSON.parse(reader.crJson());
    const manifests = Object.fromEntries((cr.manifests as CrManifest[]).map((m) => [m.label, m]));
    return {
      state: store.validation_state,
      failures: store.validation_results?.activeManifest?.failure ?? [],
      manifests,
      active: reader.activeManifest(),
    };
  } finally {
    reader.free();
  }
}

/** The `c2pa.created` action of a manifest's assertions. */
function created(assertions: CrAssertions = {}): CrAction {
  const action = (assertions['c2pa.actions.v2']?.actions ?? []).find((a) => a.action === 'c2pa.created');
  if (!action) throw new Error(`no c2pa.created action in ${JSON.stringify(assertions)}`);
  return action;
}

const crHash = (value: string) => Buffer.from(value.replace(/^b64'|'$/g, ''), 'base64').toString('hex');

/** The root certificate (PEM) of the development credentials the gateway made in its data folder. */
async function developmentRoot(dataDir: string): Promise<string> {
  const pem = await readFile(join(dataDir, 'c2pa', 'dev-credentials.pem'), 'utf8');
  const [, root] = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!root) throw new Error('the development credentials hold no root certificate');
  return `${root}\n`;
}

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A signer with a chain of its own, in a folder of its own. */
async function signerWithRoot() {
  const made = await makeDevelopmentChain();
  const dir = await mkdtemp(join(tmpdir(), 'reelay-c2pa-'));
  dirs.push(dir);
  await writeFile(join(dir, 'chain.pem'), made.chainPem);
  await writeFile(join(dir, 'key.pem'), made.keyPem);
  const credentials = await loadCredentials(join(dir, 'chain.pem'), join(dir, 'key.pem'));
  return { signer: new C2paSigner(credentials), rootPem: made.rootPem, dir };
}

describe('C2PA provenance of outputs (pglite)', () => {
  let t: TestGateway;
  let rootPem: string;

  beforeAll(async () => {
    t = await startGateway('pglite', { REELAY_MAX_CONCURRENT_GENERATIONS: '100', REELAY_ADMIN_KEY: ADMIN });
    rootPem = await developmentRoot(t.dataDir);
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function generate(body: object) {
    const created = await t.api('POST', '/api/v1/generations', body);
    expect(created.status, created.text).toBe(202);
    const done = await waitForFinal(t, created.json.id);
    expect(done.json.status, done.text).toBe('succeeded');
    return done.json;
  }

  async function content(assetId: string): Promise<Uint8Array> {
    const r = await fetch(`${t.baseUrl}/api/v1/assets/${assetId}/content`, {
      headers: { authorization: `Bearer ${t.gateway.devKey}` },
    });
    expect(r.status).toBe(200);
    return new Uint8Array(await r.arrayBuffer());
  }

  it('embeds a signed manifest in a PNG output, with its inputs as ingredients, valid against the development root', async () => {
    const input = await upload(t, await makePng(64, 64, [200, 30, 30]), 'image/png');
    const g = await generate({
      type: 'image',
      model: 'nano-banana',
      input: { prompt: 'a paper boat on a pond', referenceAssetUris: [input.uri] },
    });
    const output = g.outputs[0];
    expect(output.mediaType).toBe('image/png');
    expect(output.provenance).toBe('signed');
    const assetId = output.uri.slice('asset://'.length);
    const asset = (await t.api('GET', `/api/v1/assets/${assetId}`)).json;
    expect(asset.provenance).toEqual({ state: 'signed' });
    const bytes = await content(assetId);
    // The stored hash and size are those of the signed bytes served.
    expect(bytes.length).toBe(asset.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(asset.sha256);

    const report = await verify('image/png', bytes, rootPem);
    expect(report.failures).toEqual([]);
    expect(report.state).toBe('Trusted');
    const active = report.manifests[report.active.label];
    const action = created(active?.assertions);
    expect(action.digitalSourceType).toBe(TRAINED);
    expect(action.parameters['com.reelay.model']).toBe('nano-banana');
    expect(action.parameters['com.reelay.provider']).toBe('local');
    expect(action.parameters['com.reelay.generation_id']).toBe(g.id);
    expect(action.parameters['com.reelay.generated_at']).toBe(g.createdAt);
    expect(action.parameters['com.reelay.input_sha256']).toEqual([input.sha256]);
    const ingredient = active?.assertions['c2pa.ingredient.v3'];
    expect(ingredient).toMatchObject({
      relationship: 'inputTo',
      'dc:title': input.id,
      'dc:format': 'image/png',
      description: `sha256:${input.sha256}`,
    });
    expect(active?.signature.certificateInfo.subject.CN).toBe(
      'Reelay development certificate — not for production',
    );

    // Without the development root among its anchors a reader finds it valid but not trusted.
    const untrusted = await verify('image/png', bytes);
    expect(untrusted.state).toBe('Valid');
    expect(untrusted.failures.map((f) => f.code)).toEqual(['signingCredential.untrusted']);

    // A changed pixel breaks the hard binding.
    const tampered = Buffer.from(bytes);
    const at = tampered.indexOf(Buffer.from('IDAT')) + 8;
    tampered[at] = (tampered[at] ?? 0) ^ 0xff;
    const broken = await verify('image/png', tampered, rootPem);
    expect(broken.state).toBe('Invalid');
    expect(broken.failures.map((f) => f.code)).toContain('assertion.dataHash.mismatch');
  });

  it('keeps an MP4 output unchanged and serves a sidecar manifest bound to its bytes', async () => {
    const g = await generate({
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'a paper boat on a pond', duration: 3 },
    });
    const output = g.outputs[0];
    expect(output.mediaType).toBe('video/mp4');
    expect(output.provenance).toBe('sidecar');
    const assetId = output.uri.slice('asset://'.length);
    const asset = (await t.api('GET', `/api/v1/assets/${assetId}`)).json;
    expect(asset.provenance).toEqual({
      state: 'sidecar',
      manifestUrl: expect.stringMatching(new RegExp(`/api/v1/assets/${assetId}/manifest$`)),
    });
    const video = await content(assetId);
    const r = await fetch(`${t.baseUrl}/api/v1/assets/${assetId}/manifest`, {
      headers: { authorization: `Bearer ${t.gateway.devKey}` },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/c2pa');
    const sidecar = new Uint8Array(await r.arrayBuffer());
    // Another account's key finds no such asset, and so no manifest.
    const stranger = await t.api('POST', '/api/v1/admin/accounts', { name: 'Stranger' }, admin);
    const strangerKey = await t.api(
      'POST',
      `/api/v1/admin/accounts/${stranger.json.id}/keys`,
      { mode: 'test', name: 'stranger' },
      admin,
    );
    expect(strangerKey.status, strangerKey.text).toBe(201);
    const foreign = await t.api('GET', `/api/v1/assets/${assetId}/manifest`, undefined, {
      authorization: `Bearer ${strangerKey.json.key}`,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.json.error.code).toBe('not_found');

    // Read on its own, the store's signature and assertions validate; its data hash is of the video, which the
    // reader was not given, so that (and only that) is reported as a mismatch there.
    const report = await verify('application/c2pa', sidecar, rootPem);
    expect(report.failures.map((f) => f.code)).toEqual(['assertion.dataHash.mismatch']);
    const active = report.manifests[report.active.label];
    const action = created(active?.assertions);
    expect(action.digitalSourceType).toBe(TRAINED);
    expect(action.parameters['com.reelay.model']).toBe('kling-3.0-omni');
    expect(action.parameters['com.reelay.generation_id']).toBe(g.id);
    const dataHash = active?.assertions['c2pa.hash.data'];
    if (!dataHash) throw new Error('the sidecar manifest has no data hash');
    expect(dataHash.exclusions).toEqual([]);
    // The hash the manifest signs is that of the served video, byte for byte.
    expect(crHash(dataHash.hash)).toBe(createHash('sha256').update(video).digest('hex'));
    expect(crHash(dataHash.hash)).toBe(asset.sha256);

    // A signed file has no sidecar.
    const png = await generate({ type: 'image', model: 'nano-banana', input: { prompt: 'a lantern' } });
    const none = await t.api('GET', `/api/v1/assets/${png.outputs[0].uri.slice(8)}/manifest`);
    expect(none.status).toBe(404);
    expect(none.json.error.message).toContain('embedded in its file');
  });

  it('refuses provenance: false where the operator does not allow it, naming the field', async () => {
    const r = await t.api('POST', '/api/v1/generations', {
      type: 'image',
      model: 'nano-banana',
      input: { prompt: 'a lantern' },
      provenance: false,
    });
    expect(r.status).toBe(422);
    expect(r.json.error.param ?? r.json.error.errors?.[0]?.param, r.text).toBe('provenance');
    const bad = await t.api('POST', '/api/v1/generations', {
      type: 'image',
      model: 'nano-banana',
      input: { prompt: 'a lantern' },
      provenance: 'no',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('provenance');
    // Nor may the operator turn an account's manifests off.
    const accountId = (await t.api('GET', '/api/v1/account')).json.id;
    const patched = await t.api('PATCH', `/api/v1/admin/accounts/${accountId}`, { provenance: false }, admin);
    expect(patched.status, patched.text).toBe(422);
    expect(patched.json.error.errors?.[0]?.param ?? patched.json.error.param, patched.text).toBe(
      'provenance',
    );
    const account = await t.api('GET', `/api/v1/admin/accounts/${accountId}`, undefined, admin);
    expect(account.json.provenance).toBe(true);
  });
});

describe.each(DATABASES)('C2PA provenance opted out on %s', (kind) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway(kind, { REELAY_C2PA_ALLOW_OPT_OUT: 'true', REELAY_ADMIN_KEY: ADMIN });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('stores the output as it was made and says provenance is disabled', async () => {
    const created = await t.api('POST', '/api/v1/generations', {
      type: 'image',
      model: 'nano-banana',
      input: { prompt: 'a lantern' },
      provenance: false,
    });
    expect(created.status, created.text).toBe(202);
    const g = (await waitForFinal(t, created.json.id)).json;
    expect(g.outputs[0].provenance).toBe('disabled');
    const assetId = g.outputs[0].uri.slice(8);
    expect((await t.api('GET', `/api/v1/assets/${assetId}`)).json.provenance).toEqual({ state: 'disabled' });
    const r = await fetch(`${t.baseUrl}/api/v1/assets/${assetId}/content`, {
      headers: { authorization: `Bearer ${t.gateway.devKey}` },
    });
    await expect(
      WasmReader.fromBytes('image/png', new Uint8Array(await r.arrayBuffer())),
    ).rejects.toBeTruthy();
  });

  it("stores an account's outputs without manifests once the operator turns them off, and with them again after", async () => {
    const accountId = (await t.api('GET', '/api/v1/account')).json.id;
    const run = async () => {
      const posted = await t.api('POST', '/api/v1/generations', {
        type: 'image',
        model: 'nano-banana',
        input: { prompt: 'a lantern' },
      });
      expect(posted.status, posted.text).toBe(202);
      return (await waitForFinal(t, posted.json.id)).json.outputs[0].provenance;
    };
    const off = await t.api('PATCH', `/api/v1/admin/accounts/${accountId}`, { provenance: false }, admin);
    expect(off.status, off.text).toBe(200);
    expect(off.json.provenance).toBe(false);
    expect(await run()).toBe('disabled');
    const on = await t.api('PATCH', `/api/v1/admin/accounts/${accountId}`, { provenance: true }, admin);
    expect(on.json.provenance).toBe(true);
    expect(await run()).toBe('signed');
  });
});

describe('the C2PA signer on JPEG and on outputs that already carry a manifest', () => {
  const claim = {
    generationId: 'gen_test',
    model: 'seedream-5',
    provider: 'fal',
    createdAt: new Date('2026-12-01T10:00:00Z'),
    inputs: [],
  };

  it('embeds a valid manifest in a JPEG; a tampered one fails', async () => {
    const { signer, rootPem, dir } = await signerWithRoot();
    const file = join(dir, 'out.jpg');
    await sharp({ create: { width: 48, height: 32, channels: 3, background: '#3366cc' } })
      .jpeg()
      .toFile(file);
    const outcome = await signer.sign(file, 'image/jpeg', claim);
    expect(outcome.state).toBe('signed');
    const bytes = new Uint8Array(await readFile(file));
    const report = await verify('image/jpeg', bytes, rootPem);
    expect(report.failures).toEqual([]);
    expect(report.state).toBe('Trusted');
    const action = created(report.manifests[report.active.label]?.assertions);
    expect(action.digitalSourceType).toBe(TRAINED);
    expect(action.parameters['com.reelay.provider']).toBe('fal');
    // Still a picture any decoder reads.
    expect((await sharp(Buffer.from(bytes)).metadata()).format).toBe('jpeg');
    const tampered = Buffer.from(bytes);
    tampered[tampered.length - 10] = (tampered[tampered.length - 10] ?? 0) ^ 0xff;
    expect((await verify('image/jpeg', tampered, rootPem)).state).toBe('Invalid');
  });

  it("keeps an upstream's manifest as the parent ingredient, never stripping it", async () => {
    const upstream = await signerWithRoot();
    const ours = await signerWithRoot();
    const file = join(ours.dir, 'upstream.png');
    await sharp({ create: { width: 40, height: 40, channels: 3, background: '#22aa44' } })
      .png()
      .toFile(file);
    await upstream.signer.sign(file, 'image/png', { ...claim, model: 'their-model', generationId: 'theirs' });
    const before = await verify('image/png', new Uint8Array(await readFile(file)));
    const outcome = await ours.signer.sign(file, 'image/png', claim);
    expect(outcome).toMatchObject({ state: 'signed', keptManifest: true });
    const report = await verify('image/png', new Uint8Array(await readFile(file)), ours.rootPem);
    // Both manifests are in the store; ours is active and names the upstream's as parent.
    expect(Object.keys(report.manifests)).toContain(before.active.label);
    expect(report.active.label).not.toBe(before.active.label);
    const parent = (report.active.ingredients ?? []).find((i) => i.relationship === 'parentOf');
    expect(parent?.active_manifest).toBe(before.active.label);
    expect(report.state).not.toBe('Invalid');
    expect(report.failures.map((f) => f.code)).toEqual([]);
  });
});

describe("an upstream's JPEG output that already carries a manifest, through the pipeline (pglite)", () => {
  const R8 = 'r8_provenance_token';
  const FAL = 'fal_provenance:key';
  let t: TestGateway;
  let fake: FakeUpstreams;
  let upstream: Awaited<ReturnType<typeof signerWithRoot>>;
  let upstreamLabel = '';

  beforeAll(async () => {
    // What the upstream hands back: a JPEG it signed itself.
    upstream = await signerWithRoot();
    const made = join(upstream.dir, 'made.jpg');
    await sharp({ create: { width: 96, height: 64, channels: 3, background: '#aa5522' } })
      .jpeg()
      .toFile(made);
    await upstream.signer.sign(made, 'image/jpeg', {
      generationId: 'their-job-1',
      model: 'their-model',
      provider: 'their-service',
      createdAt: new Date('2026-12-01T00:00:00Z'),
      inputs: [],
    });
    const bytes = await readFile(made);
    upstreamLabel = (await verify('image/jpeg', new Uint8Array(bytes))).active.label;
    await writeFile(join(upstream.dir, 'unused.mp4'), 'unused');
    fake = await startFakeUpstreams({
      accessKey: 'ak_unused',
      secretKey: 'sk_unused',
      replicateToken: R8,
      falKey: FAL,
      videoFile: join(upstream.dir, 'unused.mp4'),
      image: { bytes, mediaType: 'image/jpeg' },
    });
    t = await startGateway('pglite', {
      REELAY_DEV_KEY: 'rl_live_provenance00000000000001',
      REELAY_REPLICATE_API_TOKEN: R8,
      REELAY_REPLICATE_BASE_URL: fake.base,
      REELAY_FAL_KEY: FAL,
      REELAY_FAL_QUEUE_URL: fake.base,
      REELAY_UPSTREAM_POLL_MS: '50',
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.close();
  });

  it('signs it in place, naming the provider, and keeps the upstream manifest as its parent', async () => {
    const posted = await t.api('POST', '/api/v1/generations', {
      type: 'image',
      model: 'nano-banana',
      input: { prompt: 'a lighthouse at dusk', aspectRatio: '1:1' },
    });
    expect(posted.status, posted.text).toBe(202);
    const g = (await waitForFinal(t, posted.json.id)).json;
    expect(g.status, JSON.stringify(g.error)).toBe('succeeded');
    expect(g.provider).not.toBe('local');
    const output = g.outputs[0];
    expect(output).toMatchObject({ mediaType: 'image/jpeg', provenance: 'signed' });
    const assetId = output.uri.slice('asset://'.length);
    const asset = (await t.api('GET', `/api/v1/assets/${assetId}`)).json;
    const r = await fetch(`${t.baseUrl}/api/v1/assets/${assetId}/content`, {
      headers: { authorization: `Bearer ${t.gateway.devKey}` },
    });
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(asset.sha256);

    const ourRoot = await developmentRoot(t.dataDir);
    const report = await verify('image/jpeg', bytes, `${ourRoot}${upstream.rootPem}`);
    expect(report.failures).toEqual([]);
    expect(report.state).toBe('Trusted');
    // The upstream's manifest is still in the file, and ours names it as the parent.
    expect(Object.keys(report.manifests)).toContain(upstreamLabel);
    expect(report.active.label).not.toBe(upstreamLabel);
    const parent = (report.active.ingredients ?? []).find((i) => i.relationship === 'parentOf');
    expect(parent?.active_manifest).toBe(upstreamLabel);
    const action = created(report.manifests[report.active.label]?.assertions);
    expect(action.digitalSourceType).toBe(TRAINED);
    expect(action.parameters['com.reelay.provider']).toBe(g.provider);
    expect(action.parameters['com.reelay.model']).toBe('nano-banana');
    expect(action.parameters['com.reelay.generation_id']).toBe(g.id);
    const theirs = created(report.manifests[upstreamLabel]?.assertions);
    expect(theirs.parameters['com.reelay.model']).toBe('their-model');
  });
});

/** A PNG with a `caBX` chunk (where C2PA manifests go in PNG) holding bytes that are no manifest, its CRC right. */
async function pngWithBrokenManifest(): Promise<Buffer> {
  const png = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#336699' } })
    .png()
    .toBuffer();
  const type = Buffer.from('caBX');
  const data = Buffer.from('this is not a JUMBF manifest store, only bytes where one would be');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  type.copy(chunk, 4);
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(Buffer.concat([type, data])), 8 + data.length);
  // After the signature (8 bytes) and the IHDR chunk (25 bytes).
  return Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]);
}

describe('an upstream output whose manifest cannot be read (pglite)', () => {
  const R8 = 'r8_provenance_token';
  let t: TestGateway;
  let fake: FakeUpstreams;
  let image: Buffer;

  beforeAll(async () => {
    image = await pngWithBrokenManifest();
    const dir = await mkdtemp(join(tmpdir(), 'reelay-c2pa-'));
    dirs.push(dir);
    await writeFile(join(dir, 'unused.mp4'), 'unused');
    fake = await startFakeUpstreams({
      accessKey: 'ak_unused',
      secretKey: 'sk_unused',
      replicateToken: R8,
      videoFile: join(dir, 'unused.mp4'),
      image: { bytes: image, mediaType: 'image/png' },
    });
    t = await startGateway('pglite', {
      REELAY_DEV_KEY: 'rl_live_provenance00000000000002',
      REELAY_REPLICATE_API_TOKEN: R8,
      REELAY_REPLICATE_BASE_URL: fake.base,
      REELAY_UPSTREAM_POLL_MS: '50',
      REELAY_FETCH_ALLOW_HTTP: 'on',
      REELAY_FETCH_ALLOW_PRIVATE: 'on',
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.close();
  });

  it('stores it unchanged and unsigned, with the reason, rather than strip or lose it', async () => {
    const posted = await t.api('POST', '/api/v1/generations', {
      type: 'image',
      model: 'nano-banana',
      input: { prompt: 'a lighthouse at dusk', aspectRatio: '1:1' },
    });
    expect(posted.status, posted.text).toBe(202);
    const g = (await waitForFinal(t, posted.json.id)).json;
    expect(g.status, JSON.stringify(g.error)).toBe('succeeded');
    expect(g.outputs[0].provenance).toBe('unsigned');
    const assetId = g.outputs[0].uri.slice('asset://'.length);
    const asset = (await t.api('GET', `/api/v1/assets/${assetId}`)).json;
    expect(asset.provenance.state).toBe('unsigned');
    expect(asset.provenance.reason).toMatch(/already carries a C2PA manifest that could not be read/);
    // Byte for byte what the upstream made.
    expect(asset.sha256).toBe(createHash('sha256').update(image).digest('hex'));
    const r = await fetch(`${t.baseUrl}/api/v1/assets/${assetId}/content`, {
      headers: { authorization: `Bearer ${t.gateway.devKey}` },
    });
    expect(Buffer.from(await r.arrayBuffer()).equals(image)).toBe(true);
  });
});

describe('signing credentials', () => {
  it('makes the development credentials once per data folder, labelled as such, and reads them back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'reelay-c2pa-'));
    dirs.push(dir);
    const first = await developmentCredentials(dir);
    const again = await developmentCredentials(dir);
    expect(first.development).toBe(true);
    expect(first.chain).toHaveLength(2);
    expect(first.chain[0]?.subject).toContain(DEV_CERTIFICATE_LABEL);
    expect(first.chain[1]?.subject).toContain('not for production');
    expect(again.chain[0]?.serialNumber).toBe(first.chain[0]?.serialNumber);
  });

  it("refuses a key that is not the certificate's, naming the setting", async () => {
    const one = await makeDevelopmentChain();
    const other = await makeDevelopmentChain();
    const dir = await mkdtemp(join(tmpdir(), 'reelay-c2pa-'));
    dirs.push(dir);
    await writeFile(join(dir, 'chain.pem'), one.chainPem);
    await writeFile(join(dir, 'key.pem'), other.keyPem);
    await expect(loadCredentials(join(dir, 'chain.pem'), join(dir, 'key.pem'))).rejects.toThrow(
      /^REELAY_C2PA_KEY: .* is not the key of the first certificate/,
    );
    await writeFile(join(dir, 'empty.pem'), '');
    await expect(loadCredentials(join(dir, 'empty.pem'), join(dir, 'key.pem'))).rejects.toThrow(
      /^REELAY_C2PA_CERT: .* holds no PEM certificate/,
    );
  });
});
