import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  falSettings,
  klingSettings,
  replicateSettings,
  s3Settings,
  settings,
} from '../src/config/settings.ts';

/*
 * The container files, read as text: compose.yaml passes only settings the gateway reads (and every one
 * docs/deploy.md names), the Dockerfile runs what `npm start` runs as a user other than root, and the build
 * context leaves out what is installed or built inside the image. `npm run test:container` builds and runs it.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Every variable the gateway reads (config/settings.ts), PATH aside. */
const KNOWN = new Set(
  [settings, s3Settings, klingSettings, falSettings, replicateSettings]
    .flatMap((schema) => Object.keys(schema.shape))
    .filter((name) => name !== 'PATH'),
);

/** The variables the `export` lines of docs/deploy.md's ```sh blocks set. */
function deployGuideSettings(markdown: string): string[] {
  const names: string[] = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of (block[1] ?? '').split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (!line.startsWith('export ')) continue;
      for (const word of line.slice('export '.length).split(/\s+/)) names.push(word.split('=')[0] ?? '');
    }
  }
  return names;
}

/**
 * Whether the README's configuration table has a row for `name`: its first cell names it, in full or as a
 * suffix after a name of the same group (`REELAY_S3_ACCESS_KEY_ID`, `_SECRET_ACCESS_KEY`).
 */
function documented(readme: string, name: string): boolean {
  for (const row of readme.split('\n')) {
    if (!row.startsWith('| `')) continue;
    const names = [...(row.split('|')[1] ?? '').matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1] as string);
    if (names.includes(name)) return true;
    const group = names[0]?.split('_').slice(0, 2).join('_');
    for (const suffix of names.filter((n) => n.startsWith('_')))
      if (group && name === `${group}${suffix}`) return true;
  }
  return false;
}

/** A Dockerfile as instructions (continuation lines joined, comments dropped), split into its stages. */
function dockerfileStages(text: string): { instruction: string; args: string }[][] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const stages: { instruction: string; args: string }[][] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const instruction = (match[1] as string).toUpperCase();
    if (instruction === 'FROM') stages.push([]);
    stages.at(-1)?.push({ instruction, args: (match[2] as string).trim() });
  }
  return stages;
}

type Service = {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, unknown>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  ports?: string[];
};

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, Service> };
  const services = compose.services;
  const reelay = Object.entries(services).filter(([, s]) => s.image === 'reelay:local');

  it('runs two API processes and one worker from the image of the Dockerfile', () => {
    expect(reelay.map(([, s]) => s.command).sort()).toEqual([['api'], ['api'], ['worker']]);
    for (const [, service] of reelay) expect(service.build).toBe('.');
  });

  it('passes the Reelay processes only settings the gateway reads, and every one docs/deploy.md names', () => {
    const guide = deployGuideSettings(read('docs/deploy.md'));
    expect(guide.length).toBeGreaterThan(5);
    const readme = read('README.md');
    for (const [name, service] of reelay) {
      const passed = Object.keys(service.environment ?? {});
      expect({ name, unknown: passed.filter((v) => !KNOWN.has(v)) }).toEqual({ name, unknown: [] });
      expect({ name, missing: guide.filter((v) => !passed.includes(v)) }).toEqual({ name, missing: [] });
      expect({ name, undocumented: passed.filter((v) => !documented(readme, v)) }).toEqual({
        name,
        undocumented: [],
      });
    }
    // The shared settings are the same for every process.
    const shared = (service: Service) =>
      Object.fromEntries(guide.map((v) => [v, String(service.environment?.[v])]));
    for (const [, service] of reelay) expect(shared(service)).toEqual(shared(reelay[0]?.[1] as Service));
    expect(reelay[0]?.[1].environment?.REELAY_STORAGE_DRIVER).toBe('s3');
  });

  it('starts the gateway only once the database is healthy and the bucket exists', () => {
    for (const [, service] of reelay) {
      expect(service.depends_on).toEqual({
        db: { condition: 'service_healthy' },
        'create-bucket': { condition: 'service_completed_successfully' },
      });
    }
    expect(services['create-bucket']?.depends_on).toEqual({ minio: { condition: 'service_healthy' } });
    expect(services.db?.healthcheck?.test?.length).toBeGreaterThan(0);
    expect(services.minio?.healthcheck?.test?.length).toBeGreaterThan(0);
    // The worker serves no HTTP, so the image's /readyz check is turned off for it.
    expect(services.worker?.healthcheck).toEqual({ disable: true });
  });

  it('takes every secret from the environment, with a development-only default', () => {
    const text = read('compose.yaml');
    for (const name of [
      'POSTGRES_PASSWORD',
      'MINIO_ROOT_USER',
      'MINIO_ROOT_PASSWORD',
      'REELAY_SIGNING_SECRET',
    ]) {
      const defaults = [...text.matchAll(new RegExp(`\\$\\{${name}:-([^}]*)\\}`, 'g'))].map((m) => m[1]);
      expect({ name, uses: defaults.length > 0 }).toEqual({ name, uses: true });
      for (const value of defaults) expect(value).toMatch(/dev-only/);
    }
    const secret = /\$\{REELAY_SIGNING_SECRET:-([^}]*)\}/.exec(text)?.[1] ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(32);
  });
});

describe('Dockerfile', () => {
  const stages = dockerfileStages(read('Dockerfile'));
  const runtime = stages.at(-1) ?? [];
  const args = (instruction: string) =>
    runtime.filter((i) => i.instruction === instruction).map((i) => i.args);

  it('builds on node:20-bookworm-slim in a build stage and a runtime stage', () => {
    expect(stages.map((stage) => stage[0]?.args)).toEqual([
      'node:20-bookworm-slim AS build',
      'node:20-bookworm-slim AS runtime',
    ]);
    const build = (stages[0] ?? []).filter((i) => i.instruction === 'RUN').map((i) => i.args);
    expect(build.some((run) => run.startsWith('npm ci'))).toBe(true);
    expect(build).toContain('npm run build');
    expect(args('RUN').some((run) => /npm ci --omit=dev/.test(run))).toBe(true);
    expect(args('RUN').some((run) => /apt-get install .*\bffmpeg\b/.test(run))).toBe(true);
  });

  it('starts the compiled main that `npm start` runs, copied from the build stage', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    // The script sets glibc's malloc variables unless the caller did; the image sets the same values.
    const prefix = /^((?:MALLOC_\w+=\$\{MALLOC_\w+:-\d+\}\s+)+)exec\s+/.exec(pkg.scripts.start ?? '');
    expect(prefix).not.toBeNull();
    const defaults = [...(prefix?.[1] ?? '').matchAll(/(MALLOC_\w+)=\$\{\1:-(\d+)\}/g)];
    expect(defaults.map((d) => d[1])).toEqual(['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_']);
    const env = args('ENV').join(' ');
    for (const [, name, value] of defaults) expect(env).toMatch(new RegExp(`(^|\\s)${name}=${value}(\\s|$)`));
    const start = (pkg.scripts.start ?? '').slice(prefix?.[0].length).split(/\s+/);
    const entrypoint = args('ENTRYPOINT');
    expect(entrypoint).toHaveLength(1);
    expect(JSON.parse(entrypoint[0] as string)).toEqual(start);
    const main = start.at(-1) as string;
    expect(main).toBe('packages/server/dist/main.js');
    expect(args('COPY')).toContain('--from=build /app/packages/server/dist packages/server/dist');
    expect(args('WORKDIR')).toEqual(['/app']);
    // No CMD: no argument runs API and worker together, as `npm start` does.
    expect(args('CMD')).toEqual([]);
  });

  it('runs as a user other than root, from before the entry point on', () => {
    const users = runtime.filter((i) => i.instruction === 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)?.args ?? '';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.findIndex((i) => i.instruction === 'USER')).toBeLessThan(
      runtime.findIndex((i) => i.instruction === 'ENTRYPOINT'),
    );
  });

  it('listens on every interface and keeps its data in a volume', () => {
    const env = args('ENV').join(' ');
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    const port = /\bPORT=(\d+)\b/.exec(env)?.[1];
    expect(args('EXPOSE')).toEqual([port]);
    const dataDir = /\bREELAY_DATA_DIR=(\S+)/.exec(env)?.[1];
    expect(args('VOLUME')).toEqual([JSON.stringify([dataDir])]);
  });

  it('has a health check that passes while /readyz answers 200 and fails otherwise', async () => {
    const health = args('HEALTHCHECK');
    expect(health).toHaveLength(1);
    // The exec form, as JSON (otherwise Docker would run it through a shell that the image may not have).
    const argv = JSON.parse(/\bCMD\s+(\[.*\])\s*$/.exec(health[0] as string)?.[1] ?? 'null') as string[];
    expect(argv[0]).toBe('node');
    let status = 200;
    const server = createServer((request, response) => {
      response.statusCode = request.url === '/readyz' ? status : 404;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const check = (on: number) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, argv.slice(1), {
          env: { ...process.env, PORT: String(on) },
          stdio: 'ignore',
        });
        child.once('exit', (code) => resolve(code));
      });
    try {
      expect(await check(port)).toBe(0);
      status = 503;
      expect(await check(port)).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    // Nothing listening any more.
    expect(await check(port)).toBe(1);
  });
});

describe('.dockerignore', () => {
  const ignored = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('leaves out what is installed or built in the image, data folders and git', () => {
    for (const path of ['node_modules', '**/node_modules', 'packages/server/dist', '.reelay', '.git'])
      expect(ignored).toContain(path);
  });
});
