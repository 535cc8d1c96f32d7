import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer } from '../scripts/build.ts';
import { createPostgresDatabase } from './databases.ts';
import { freePort } from './processes.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** The command lines of the processes whose parent is `pid` (Linux: read from /proc). */
async function childCommands(pid: number): Promise<string[][]> {
  const commands: string[][] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The parent id is the second field after the parenthesised command name.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent !== pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    commands.push(
      cmdline
        .split('\0')
        .filter(Boolean)
        .map((arg, i) => (i === 0 ? (arg.split('/').pop() ?? arg) : arg)),
    );
  }
  return commands;
}

describe('the production build', () => {
  const scratch: string[] = [];
  afterAll(async () => {
    for (const dir of scratch) await rm(dir, { recursive: true, force: true });
  });

  it('is current: building the sources again gives the same files as packages/server/dist', async () => {
    const out = await mkdtemp(join(tmpdir(), 'reelay-build-'));
    scratch.push(out);
    await buildServer(out);
    const built = await files(out);
    expect(built).toContain('main.js');
    expect(built).toContain('migrations/001_init.sql');
    expect(built).toContain('static/dashboard.js');
    // Chunk names carry a hash of where the build was written; the same chunk is the same name without it.
    const unhashed = (text: string) => text.replace(/-[A-Z0-9]{8}(\.js)/g, '$1');
    const current = await files(DIST);
    expect(current.map(unhashed), 'run npm run build').toEqual(built.map(unhashed));
    expect(built.filter((f) => /^pglite-template-[\d.]+\.tgz$/.test(f))).toHaveLength(1);
    // The source map names its sources relative to where it is written, and each database template is a new
    // cluster (initdb picks a random system id); everything else is byte for byte.
    // Shared chunks are all `chunk-<hash>.js`, so a file is matched among those of its unhashed name.
    for (const name of built.filter((f) => !f.endsWith('.map') && !f.endsWith('.tgz'))) {
      const now = unhashed(await readFile(join(out, name), 'utf8'));
      const candidates = current.filter((f) => unhashed(f) === unhashed(name));
      const was = await Promise.all(
        candidates.map(async (f) => unhashed(await readFile(join(DIST, f), 'utf8'))),
      );
      expect(was.includes(now), name).toBe(true);
    }
  });

  it('is what npm start runs: plain node, no tsx, serving the API, the pages and a generation', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    // glibc's malloc variables get defaults (docs/deploy.md, "Memory"), then node runs the build.
    expect(manifest.scripts.start).toMatch(
      /^(MALLOC_\w+=\S+ )+exec node --enable-source-maps packages\/server\/dist\/main\.js$/,
    );
    const data = await mkdtemp(join(tmpdir(), 'reelay-start-'));
    scratch.push(data);
    const port = await freePort();
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, REELAY_DATA_DIR: data, PORT: String(port), LOG_LEVEL: 'warn', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const base = `http://127.0.0.1:${port}`;
      const key = await (async () => {
        for (let i = 0; i < 600; i++) {
          const found = /REELAY_API_KEY=(rl_test_\w+)/.exec(output)?.[1];
          if (found && (await fetch(`${base}/readyz`).catch(() => null))?.status === 200) return found;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`npm start did not get ready:\n${output}`);
      })();
      // No TypeScript loader in the process npm started: its command line is the build's.
      const commands = await childCommands(child.pid ?? 0);
      expect(commands, output).toEqual([['node', '--enable-source-maps', 'packages/server/dist/main.js']]);
      const script = await fetch(`${base}/static/dashboard.js`);
      expect(script.status).toBe(200);
      expect(
        Buffer.from(await script.arrayBuffer()).equals(await readFile(join(DIST, 'static/dashboard.js'))),
      ).toBe(true);
      expect((await fetch(`${base}/models/nano-banana`)).status).toBe(200);
      const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const created = await fetch(`${base}/api/v1/generations`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ type: 'image', model: 'nano-banana', input: { prompt: 'from the build' } }),
      });
      expect(created.status).toBe(202);
      const { id } = (await created.json()) as { id: string };
      let status = 'queued';
      for (let i = 0; i < 300 && !['succeeded', 'failed'].includes(status); i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = (
          (await (await fetch(`${base}/api/v1/generations/${id}`, { headers: auth })).json()) as {
            status: string;
          }
        ).status;
      }
      expect(status, output).toBe('succeeded');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 120_000);

  it('loads the PostgreSQL driver from its own chunk when DATABASE_URL is set', async () => {
    const pgdb = await createPostgresDatabase();
    const data = await mkdtemp(join(tmpdir(), 'reelay-start-pg-'));
    scratch.push(data);
    const port = await freePort();
    const child = spawn(process.execPath, [join(DIST, 'main.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        REELAY_DATA_DIR: data,
        PORT: String(port),
        DATABASE_URL: pgdb.url,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let ready = false;
      for (let i = 0; i < 600 && !ready; i++) {
        ready = (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.status === 200;
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ready, output).toBe(true);
      expect(output).toContain('(PostgreSQL)');
      const readiness = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json();
      expect(readiness).toMatchObject({ database: 'postgres' });
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await pgdb.drop();
    }
  }, 120_000);

  it('keeps prom-client and the OpenTelemetry SDK out of a start that does not ask for them', async () => {
    const files = (await readdir(DIST)).filter((f) => f.endsWith('.js'));
    const importing = async (pattern: RegExp) => {
      const found: string[] = [];
      for (const file of files) if (pattern.test(await readFile(join(DIST, file), 'utf8'))) found.push(file);
      return found.map((f) => f.replace(/-[A-Z0-9]{8}\.js$/, ''));
    };
    // Each is imported only by its own chunk, which the gateway imports when metrics or tracing is configured.
    expect(await importing(/from\s*"prom-client"/)).toEqual(['prometheus-metrics']);
    expect(await importing(/from\s*"@opentelemetry\//)).toEqual(['otel-tracing']);
  });
});
