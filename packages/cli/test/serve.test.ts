import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/test/processes.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const run = promisify(execFile);

describe('reelay serve and reelay worker', () => {
  const dirs: string[] = [];
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  async function env(): Promise<NodeJS.ProcessEnv> {
    const dir = await mkdtemp(join(tmpdir(), 'reelay-serve-'));
    dirs.push(dir);
    const port = await freePort();
    return {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      REELAY_DATA_DIR: dir,
      REELAY_PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
    };
  }

  it('serve runs the gateway in the terminal, which the other commands then call, and stops on SIGTERM', async () => {
    const e = await env();
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=reelay-source', MAIN, 'serve'], {
      env: e,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = child;
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/export REELAY_API_KEY=rl_test_\w+/.test(output)) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      void exited.then((code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
    });
    expect(output).toContain(`Reelay listening on http://127.0.0.1:${e.PORT}`);
    const key = /export REELAY_API_KEY=(rl_test_\w+)/.exec(output)?.[1] ?? '';

    const cli = (...args: string[]) =>
      run(
        process.execPath,
        [
          '--import',
          'tsx',
          '--conditions=reelay-source',
          MAIN,
          '--url',
          `http://127.0.0.1:${e.PORT}`,
          ...args,
        ],
        {
          env: { ...process.env, REELAY_API_KEY: key },
        },
      );
    const listed = JSON.parse((await cli('models', '--json')).stdout) as { data: { id: string }[] };
    expect(listed.data.map((m) => m.id)).toContain('kling-3.0-omni');
    const generations = JSON.parse((await cli('generations', 'list', '--json')).stdout);
    expect(generations).toEqual({ data: [] });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('worker alone refuses the embedded database, saying what it needs', async () => {
    const failed = await run(
      process.execPath,
      ['--import', 'tsx', '--conditions=reelay-source', MAIN, 'worker'],
      {
        env: await env(),
      },
    ).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).not.toBe(0);
    expect(failed?.stderr).toContain('needs DATABASE_URL');
  });
});
