import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The image of the repository's Dockerfile, built and run with docker or podman (REELAY_CONTAINER_ENGINE to
 * choose): it answers /readyz on a loopback port, prints a development key, makes one generation on the local
 * renderer with Debian's ffmpeg, runs as a user other than root and reports itself healthy. The container is
 * removed afterwards (the image `reelay:container-test` is kept, so a second build is quick). Fails loudly when
 * no container engine runs.
 */

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const TAG = 'reelay:container-test';
const NAME = `reelay-container-test-${randomBytes(4).toString('hex')}`;

type Engine = 'docker' | 'podman';

/** The first engine that answers `info`, or an error saying why none does. */
function findEngine(): Engine {
  const wanted = process.env.REELAY_CONTAINER_ENGINE?.trim();
  const candidates = (wanted ? [wanted] : ['docker', 'podman']) as Engine[];
  const reasons: string[] = [];
  for (const engine of candidates) {
    const info = spawnSync(engine, ['info'], { encoding: 'utf8', timeout: 30_000 });
    if (info.error && (info.error as NodeJS.ErrnoException).code === 'ENOENT') {
      reasons.push(`${engine}: not installed`);
    } else if (info.status !== 0) {
      const said = `${info.stderr ?? ''}\n${info.stdout ?? ''}`
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => /error|cannot|denied|refused/i.test(line));
      reasons.push(`${engine}: installed, but it does not answer (${said.at(-1) ?? `exit ${info.status}`})`);
    } else return engine;
  }
  throw new Error(`CONTAINER TEST CANNOT RUN: no container engine is running. ${reasons.join('; ')}`);
}

/** Runs `engine args`, returning its standard output; a non-zero exit throws with what it printed. */
function run(engine: Engine, args: string[], timeout = 120_000): string {
  const result = spawnSync(engine, args, { encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${engine} ${args.join(' ')} failed (${result.status}):\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

/** Builds the image, its output shown as it goes. */
function build(engine: Engine): Promise<void> {
  return new Promise((resolve, reject) => {
    // Podman keeps HEALTHCHECK only in the Docker image format.
    const format = engine === 'podman' ? ['--format', 'docker'] : [];
    const child = spawn(engine, ['build', ...format, '-t', TAG, ROOT], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${engine} build exited with ${code}`)),
    );
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the container image', () => {
  let engine: Engine | null = null;
  afterAll(() => {
    if (engine) spawnSync(engine, ['rm', '-f', '-v', NAME], { timeout: 60_000 });
  });

  it('builds, starts, answers /readyz on loopback and makes a generation with the printed key', async () => {
    engine = findEngine();
    const e = engine;
    await build(e);
    run(e, ['run', '-d', '--name', NAME, '-p', '127.0.0.1::8080', TAG]);
    const logs = () => {
      const r = spawnSync(e, ['logs', NAME], { encoding: 'utf8' });
      return `${r.stdout}${r.stderr}`;
    };
    const port = Number(/:(\d+)\s*$/m.exec(run(e, ['port', NAME, '8080/tcp']))?.[1]);
    expect(port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${port}`;

    let ready = false;
    for (let i = 0; i < 240 && !ready; i++) {
      ready = await fetch(`${base}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (run(e, ['inspect', '-f', '{{.State.Running}}', NAME]).trim() !== 'true') {
        throw new Error(`the container stopped before it was ready:\n${logs()}`);
      }
      await sleep(500);
    }
    if (!ready) throw new Error(`no answer from ${base}/readyz within 120 s:\n${logs()}`);

    // Not root, and the ffmpeg and ffprobe found on PATH are Debian's.
    expect(run(e, ['exec', NAME, 'id', '-u']).trim()).not.toBe('0');
    expect(
      run(e, ['exec', NAME, 'sh', '-c', 'command -v ffmpeg; command -v ffprobe']).trim().split('\n'),
    ).toEqual(['/usr/bin/ffmpeg', '/usr/bin/ffprobe']);

    let key: string | undefined;
    for (let i = 0; i < 40 && !key; i++) {
      key = /export REELAY_API_KEY=(rl_test_[A-Za-z0-9]+)/.exec(logs())?.[1];
      if (!key) await sleep(250);
    }
    if (!key) throw new Error(`no development key in the container's output:\n${logs()}`);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    const created = await fetch(`${base}/api/v1/generations`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        type: 'video',
        model: 'kling-3.0-omni',
        input: { prompt: 'made inside the container', resolution: '720p', duration: 3 },
      }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    // biome-ignore lint/suspicious/noExplicitAny: reads the generation's JSON.
    let generation: any;
    for (let i = 0; i < 360; i++) {
      generation = await (await fetch(`${base}/api/v1/generations/${id}`, { headers })).json();
      if (['succeeded', 'failed', 'canceled'].includes(generation.status)) break;
      await sleep(500);
    }
    expect(generation).toMatchObject({ status: 'succeeded', provider: 'local', error: null });
    const output = generation.outputs[0] as { uri: string; bytes: number; mediaType: string };
    expect(output.mediaType).toBe('video/mp4');
    const assetId = output.uri.replace('asset://', '');
    const content = await fetch(`${base}/api/v1/assets/${assetId}/content`, { headers });
    expect(content.status).toBe(200);
    const bytes = Buffer.from(await content.arrayBuffer());
    expect(bytes.length).toBe(output.bytes);
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');

    // The image's health check (against /readyz) passes.
    let healthy = false;
    for (let i = 0; i < 60 && !healthy; i++) {
      healthy =
        e === 'podman'
          ? spawnSync(e, ['healthcheck', 'run', NAME]).status === 0
          : run(e, ['inspect', '-f', '{{.State.Health.Status}}', NAME]).trim() === 'healthy';
      if (!healthy) await sleep(1000);
    }
    expect(healthy).toBe(true);
  });
});
