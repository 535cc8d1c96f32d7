import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../src/admin-client.ts';
import { serverMain } from '../src/commands/server-commands.ts';
import { callerFolder, fromCaller, readableFile } from '../src/local-files.ts';

describe('paths from the command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-paths-'));
    await writeFile(join(dir, 'a.png'), 'x');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('are the caller’s: the process’s folder, or npm’s INIT_CWD under npm run reelay', () => {
    expect(callerFolder({})).toBe(process.cwd());
    expect(callerFolder({ INIT_CWD: '/elsewhere', npm_lifecycle_event: 'test' })).toBe(process.cwd());
    const npmRun = { INIT_CWD: dir, npm_lifecycle_event: 'reelay' };
    expect(callerFolder(npmRun)).toBe(dir);
    expect(fromCaller('a.png', npmRun)).toBe(join(dir, 'a.png'));
    expect(fromCaller('/abs/b.png', npmRun)).toBe('/abs/b.png');
  });

  it('must be readable files, or they are usage errors naming the path as written', async () => {
    expect(await readableFile(join(dir, 'a.png'))).toBe(join(dir, 'a.png'));
    const missing = await readableFile('./nope.png').catch((e) => e);
    expect(missing).toBeInstanceOf(CliError);
    expect(missing.message).toBe('./nope.png: not a readable file (ENOENT)');
    const folder = await readableFile(dir).catch((e) => e);
    expect(folder).toBeInstanceOf(CliError);
    expect(folder.message).toBe(`${dir}: not a readable file (EISDIR)`);
  });
});

describe('the gateway reelay serve runs', () => {
  it('is @reelay/server’s build, or a usage error saying how to get one', () => {
    expect(serverMain((s) => import.meta.resolve(s))).toMatch(/packages\/server\/dist\/main\.js$/);
    const missing = () => {
      throw Object.assign(new Error('Cannot find package'), { code: 'ERR_MODULE_NOT_FOUND' });
    };
    expect(() => serverMain(missing)).toThrow(CliError);
    expect(() => serverMain(missing)).toThrow(
      /not installed here: install @reelay\/server beside @reelay\/cli/,
    );
    const unbuilt = () => 'file:///nowhere/dist/main.js';
    expect(() => serverMain(unbuilt)).toThrow(/not built: \/nowhere\/dist\/main\.js is missing/);
  });
});
