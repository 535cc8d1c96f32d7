import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient } from '../../client/scripts/build.ts';
import { makePng, startGateway, type TestGateway } from '../../server/test/harness.ts';
import { buildCli } from '../scripts/build.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const execute = promisify(execFile);
const PROJECT = 'reelay-pack-check';

/** The environment of a process outside the repository: no npm settings or Node options of the test run. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE_OPTIONS'),
  );
  return { ...env, REELAY_URL: '', REELAY_API_KEY: '', REELAY_ADMIN_KEY: '' };
}

async function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await execute(command, args, { cwd, env: cleanEnv(), maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, ...r };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

interface Packed {
  name: string;
  version: string;
  filename: string;
  integrity: string;
  files: { path: string }[];
}

interface LockEntry {
  version: string;
  dependencies?: Record<string, string>;
  [field: string]: unknown;
}

/**
 * The lock file of a project depending on the tarballs: them, and their npm dependencies as the repository's lock
 * has them (hoisted there), so npm installs those from its cache by integrity, with no registry to ask.
 */
async function projectLock(
  packed: Packed[],
  dir: string,
): Promise<{ root: { dependencies: Record<string, string> }; lock: object }> {
  const repoLock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const root: { name: string; dependencies: Record<string, string> } = { name: PROJECT, dependencies: {} };
  const packages: Record<string, unknown> = { '': root };
  const pending: string[] = [];
  for (const p of packed) {
    const folder = join(ROOT, 'packages', p.name.replace('@reelay/', ''));
    const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8')) as LockEntry;
    const resolved = `file:${relative(join(dir, 'project'), join(dir, p.filename))}`;
    root.dependencies[p.name] = resolved;
    const { dependencies, bin, engines } = manifest;
    packages[`node_modules/${p.name}`] = {
      version: p.version,
      resolved,
      integrity: p.integrity,
      dependencies,
      bin,
      engines,
    };
    pending.push(...Object.keys(dependencies ?? {}).filter((name) => !name.startsWith('@reelay/')));
  }
  // A Node project has Node's types (the SDK's webhook dependency declares Buffer arguments).
  const nodeTypes = repoLock.packages['node_modules/@types/node']?.version;
  if (!nodeTypes) throw new Error('@types/node is not hoisted in package-lock.json');
  root.dependencies['@types/node'] = nodeTypes;
  pending.push('@types/node');
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (packages[`node_modules/${name}`]) continue;
    const entry = repoLock.packages[`node_modules/${name}`];
    if (!entry) throw new Error(`${name} is not hoisted in package-lock.json`);
    const { dev: _dev, peer: _peer, optional: _optional, devOptional: _devOptional, ...kept } = entry;
    packages[`node_modules/${name}`] = kept;
    pending.push(...Object.keys(entry.dependencies ?? {}));
  }
  return { root, lock: { name: PROJECT, lockfileVersion: 3, requires: true, packages } };
}

// The packages as a user gets them: packed by npm, installed offline (their dependencies from the npm cache) into
// an empty project, and used from there with plain node, tsc and esbuild, never with the repository's sources.
// Most of its time is npm and tsc; beside the rest of the suite on a busy machine it takes minutes, hence the timeout.
describe('the packed SDK and CLI, installed into an empty project', { timeout: 300_000 }, () => {
  let t: TestGateway;
  let dir: string;
  let project: string;
  let packed: Packed[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-pack-'));
    project = join(dir, 'project');
    await mkdir(join(project, 'media'), { recursive: true });
    const [gateway] = await Promise.all([
      startGateway('pglite'),
      // The packages' builds, current with their sources (`npm pack` would run them as `prepack` too).
      (async () => {
        buildClient();
        buildCli();
      })(),
    ]);
    t = gateway;
    const pack = await run(
      'npm',
      [
        'pack',
        '--json',
        '--ignore-scripts',
        '--pack-destination',
        dir,
        '-w',
        'packages/client',
        '-w',
        'packages/cli',
      ],
      ROOT,
    );
    expect(pack.code, pack.stderr).toBe(0);
    packed = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Packed[];
    const { root, lock } = await projectLock(packed, dir);
    const nodeTypes = { '@types/node': root.dependencies['@types/node'] };
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: PROJECT, private: true, type: 'module', dependencies: nodeTypes }),
    );
    await writeFile(join(project, 'package-lock.json'), JSON.stringify(lock));
    const installed = await run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', ...packed.map((p) => join(dir, p.filename))],
      project,
    );
    expect(installed.code, installed.stderr).toBe(0);
    await writeFile(join(project, 'media/a.png'), await makePng(320, 200, [200, 40, 40]));
    // Noise does not compress: a few megabytes, sent as many chunks.
    const noise = { type: 'gaussian' as const, mean: 128, sigma: 60 };
    await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#000', noise } })
      .png()
      .toFile(join(project, 'media/noise.png'));
  }, 300_000);
  afterAll(async () => {
    await t?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('packs only the build, with the contract types inside the SDK and the reelay bin', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(['@reelay/cli', '@reelay/client']);
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      expect(
        files.filter((f) => !/^(dist\/|package\.json$|README\.md$)/.test(f)),
        p.name,
      ).toEqual([]);
    }
    const sdk = packed.find((p) => p.name === '@reelay/client')?.files.map((f) => f.path) ?? [];
    expect(sdk).toEqual(
      expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/contract.d.ts']),
    );
    const cli = packed.find((p) => p.name === '@reelay/cli')?.files.map((f) => f.path) ?? [];
    expect(cli).toContain('dist/main.js');
  });

  it('imports @reelay/client in plain node and calls the gateway with it', async () => {
    await writeFile(
      join(project, 'check.mjs'),
      [
        "import { createClient, NotFoundError } from '@reelay/client';",
        "import { createClient as createNodeClient } from '@reelay/client/node';",
        'const [baseUrl, apiKey] = process.argv.slice(2);',
        'const models = await createClient({ baseUrl, apiKey }).models.list();',
        "const missing = await createClient({ baseUrl, apiKey }).generations.get('gen_none').catch((e) => e);",
        "const asset = await createNodeClient({ baseUrl, apiKey }).assets.upload({ path: 'media/a.png' });",
        'console.log(JSON.stringify({ ids: models.map((m) => m.id), notFound: missing instanceof NotFoundError, asset }));',
      ].join('\n'),
    );
    const r = await run(process.execPath, ['check.mjs', t.baseUrl, t.key], project);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.ids).toContain('kling-3.0-omni');
    expect(out.notFound).toBe(true);
    expect(out.asset).toMatchObject({ kind: 'image', width: 320, height: 200 });
  });

  it('typechecks a program against the installed declarations', async () => {
    await writeFile(
      join(project, 'check.ts'),
      [
        "import { createClient, type Generation, type ModelSummary, ReelayError } from '@reelay/client';",
        "import { createClient as createNodeClient } from '@reelay/client/node';",
        "const client = createClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'rl_test_x' });",
        'export const models: Promise<ModelSummary[]> = client.models.list();',
        'export const created: Promise<Generation> = client.generations.create({',
        "  type: 'video',",
        "  model: 'kling-3.0-omni',",
        "  input: { prompt: 'a fox', duration: 5 },",
        '});',
        "export const status: Generation['status'] = 'succeeded';",
        "export const upload = createNodeClient({ baseUrl: 'http://127.0.0.1:8080' }).assets.upload({ path: 'a.png' });",
        'export const isError = (e: unknown): boolean => e instanceof ReelayError && e.status === 404;',
        '// @ts-expect-error: a known model refuses a field it does not have',
        "client.generations.create({ type: 'video', model: 'kling-3.0-omni', input: { prompt: 'x', hue: 'red' } });",
        '// @ts-expect-error: an answer field has its own type',
        "export const wrong: Generation['status'] = 'sleeping';",
      ].join('\n'),
    );
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM'],
          types: ['node'],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: ['check.ts'],
      }),
    );
    const r = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], project);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('runs the installed reelay bin: help, JSON only on stdout, paths from the caller’s folder', async () => {
    const bin = join(project, 'node_modules/.bin/reelay');
    const help = await run(bin, ['--help'], project);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: reelay');

    const list = await run(
      bin,
      ['--url', t.baseUrl, '--api-key', t.key, 'models', 'list', '--json'],
      project,
    );
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.trim().startsWith('{')).toBe(true);
    expect(JSON.parse(list.stdout).data.map((m: { id: string }) => m.id)).toContain('kling-3.0-omni');

    // From a subfolder, a relative path is that folder's; progress goes to stderr, the asset alone to stdout.
    const media = join(project, 'media');
    const upload = await run(
      bin,
      ['--url', t.baseUrl, '--api-key', t.key, 'assets', 'upload', 'a.png', '--json'],
      media,
    );
    expect(upload.code, upload.stderr).toBe(0);
    expect(JSON.parse(upload.stdout)).toMatchObject({ kind: 'image', width: 320, height: 200 });
    expect(upload.stderr).toContain('upload a.png');
    expect(upload.stderr.trim().split('\n').length).toBeLessThanOrEqual(6);

    // Progress into a log (not a terminal) is a handful of lines, not one per chunk.
    const big = await run(
      bin,
      ['--url', t.baseUrl, '--api-key', t.key, 'assets', 'upload', 'noise.png'],
      media,
    );
    expect(big.code, big.stderr).toBe(0);
    expect(big.stdout).toMatch(/^asset:\/\/asset_\w+ image\/png [\d.]+ MB \(1200×900\)\n$/);
    const lines = big.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines.at(-1)).toMatch(/100% asset:\/\/asset_\w+ \(image\/png\)$/);

    const missing = await run(
      bin,
      ['--url', t.baseUrl, '--api-key', t.key, 'assets', 'upload', 'b.png'],
      media,
    );
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr.trim()).toBe('reelay: b.png: not a readable file (ENOENT)');

    const serve = await run(bin, ['serve'], project);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain('the gateway (package @reelay/server) is not installed here');
    expect(serve.stderr).not.toMatch(/\n\s+at /);
  });

  it('bundles @reelay/client for the browser with no Node built-in', async () => {
    await writeFile(
      join(project, 'browser.js'),
      "import { createClient } from '@reelay/client';\nexport const client = createClient({ baseUrl: '/' });\n",
    );
    const result = await build({
      absWorkingDir: project,
      entryPoints: ['browser.js'],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('node_modules/@reelay/client/dist/index.js');
    expect(inputs.filter((f) => f.includes('node-files'))).toEqual([]);
    const text = result.outputFiles[0]?.text ?? '';
    expect(text).toContain('createClient');
    expect(text).not.toMatch(/(from\s*|import\s*\(\s*|require\s*\(\s*)["']node:/);
  });
});
