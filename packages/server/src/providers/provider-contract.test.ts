import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { type FakeUpstreams, startFakeUpstreams } from '../../test/fake-upstreams.ts';
import { useLocalRenders } from '../../test/local-renders-db.ts';
import { makeTestVideo } from '../../test/loopback-fixture.ts';
import { omniCall } from '../../test/start-call.ts';
import { findFfmpeg } from '../media/ffmpeg-binaries.ts';
import { FalProvider } from './fal/fal-provider.ts';
import { KlingProvider } from './kling/kling-provider.ts';
import { LocalProvider } from './local/local-provider.ts';
import { providerContract } from './provider-contract.ts';
import { ReplicateProvider } from './replicate/replicate-provider.ts';

const book = useLocalRenders();
let dir = '';
let fake: FakeUpstreams;
const keys = {
  accessKey: 'ak_contract',
  secretKey: 'sk_contract',
  replicateToken: 'r8_contract',
  falKey: 'fal:contract',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-contract-'));
  fake = await startFakeUpstreams({ ...keys, videoFile: await makeTestVideo(dir) });
});
afterAll(async () => {
  await fake?.close();
  await rm(dir, { recursive: true, force: true });
});

let seq = 0;
const call = () =>
  omniCall(
    { prompt: 'contract', aspectRatio: '16:9', duration: 3, audioEnabled: false },
    { generationId: `gen_c${++seq}` },
  );
const deps = () => ({ fetch, now: Date.now });

describe('contract: local', () =>
  providerContract(() => ({
    make: () =>
      new LocalProvider({
        workDir: join(dir, 'renders'),
        ffmpegPath: findFfmpeg(null, process.env.PATH ?? ''),
        renders: book.renders(),
      }),
    call,
    mediaType: 'video/mp4',
  })));

describe('contract: kling', () =>
  providerContract(() => ({
    make: () =>
      new KlingProvider({
        ...deps(),
        config: { accessKey: keys.accessKey, secretKey: keys.secretKey, baseUrl: fake.base, timeoutMs: 5000 },
      }),
    call,
    mediaType: 'video/mp4',
  })));

describe('contract: fal', () =>
  providerContract(() => ({
    make: () =>
      new FalProvider({
        ...deps(),
        config: {
          key: keys.falKey,
          queueUrl: fake.base,
          jwksUrl: `${fake.base}/jwks`,
          userId: null,
          timeoutMs: 5000,
        },
      }),
    call,
    mediaType: 'video/mp4',
  })));

describe('contract: replicate', () =>
  providerContract(() => ({
    make: () =>
      new ReplicateProvider({
        ...deps(),
        config: { token: keys.replicateToken, baseUrl: fake.base, webhookSecret: null, timeoutMs: 5000 },
      }),
    call,
    mediaType: 'video/mp4',
  })));
