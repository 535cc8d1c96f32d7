import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatabaseKind, startGateway, type TestGateway } from './harness.ts';
import { makeTestVideo } from './loopback-fixture.ts';
import { LoopbackProvider } from './loopback-provider.ts';
import { type LoopbackUpstream, startLoopbackUpstream } from './loopback-upstream.ts';

/** A kling-3.0-omni request for 3 s at 720p, which the loopback provider serves. */
export function videoRequest(prompt: string) {
  return {
    type: 'video',
    model: 'kling-3.0-omni',
    input: { prompt, resolution: '720p', duration: 3 },
  };
}

export interface LoopbackGateway {
  t: TestGateway;
  upstream: LoopbackUpstream;
  /** Stops the gateway and the upstream and removes the prepared output. */
  stop(): Promise<void>;
}

/**
 * A whole gateway whose only provider is the loopback provider, talking to a fresh loopback upstream and
 * handing back a prepared test video as every output (polled every 50 ms).
 */
export async function startLoopbackGateway(
  kind: DatabaseKind,
  options: {
    /** Names the folder of the prepared output. */
    name: string;
    upstream: Parameters<typeof startLoopbackUpstream>[0];
    env?: Record<string, string>;
    requestTimeoutMs?: number;
  },
): Promise<LoopbackGateway> {
  const fixtures = await mkdtemp(join(tmpdir(), `reelay-${options.name}-`));
  let upstream: LoopbackUpstream | undefined;
  try {
    const video = await makeTestVideo(fixtures);
    const started = await startLoopbackUpstream(options.upstream);
    upstream = started;
    const t = await startGateway(kind, options.env, (config) => ({
      providers: [
        {
          provider: new LoopbackProvider({
            baseUrl: started.url,
            outputFile: video,
            outputMediaType: 'video/mp4',
            workDir: config.render.workDir,
            ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
          }),
          pollIntervalMs: 50,
        },
      ],
    }));
    return {
      t,
      upstream: started,
      async stop() {
        await t.stop();
        await started.close();
        await rm(fixtures, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await upstream?.close();
    await rm(fixtures, { recursive: true, force: true });
    throw error;
  }
}
