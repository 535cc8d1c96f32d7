import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from './databases.ts';
import { freePort } from './processes.ts';
import { startTestS3 } from './s3-server.ts';
import { readSse } from './sse-client.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GUIDE = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
const KEY = 'rl_test_deploydeploydeploy0001';

/** The lines of every ```sh block of the guide, without comments. */
function shellLines(markdown: string): string[] {
  const lines: string[] = [];
  for (const block of markdown.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const raw of (block[1] ?? '').split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (line !== '' && !line.startsWith('#')) lines.push(line);
    }
  }
  return lines;
}

/** `export A=1 B=2` lines → the names they set; everything else is a command. */
function splitGuide(lines: string[]) {
  const exported: string[] = [];
  const commands: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('export ')) {
      commands.push(line);
      continue;
    }
    for (const word of line.slice('export '.length).split(/\s+/)) exported.push(word.split('=')[0] ?? '');
  }
  return { exported, commands };
}

/** A command of the guide (`PORT=8080 HOST=0.0.0.0 npm start -- api`) as its assignments and its argv. */
function parseCommand(line: string): { assignments: Record<string, string>; argv: string[] } {
  const words = line.split(/\s+/);
  const assignments: Record<string, string> = {};
  while (words[0] && /^[A-Z_]+=/.test(words[0])) {
    const [name, value] = (words.shift() as string).split('=');
    assignments[name as string] = value ?? '';
  }
  return { assignments, argv: words };
}

const exitOf = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

/** Runs a command line of the guide from the repository root and waits until it prints `ready`. */
async function run(line: string, env: Record<string, string>, ready: string): Promise<ChildProcess> {
  const { assignments, argv } = parseCommand(line);
  const [program, ...args] = argv;
  const child = spawn(program as string, args, {
    cwd: ROOT,
    env: { ...process.env, ...assignments, ...env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so cleaning up after a failure reaches node under npm too.
    detached: true,
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${line}: not ready within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${line}: exited with ${code}:\n${output}`)));
  });
  return child;
}

describe('docs/deploy.md, run as written', () => {
  const children: ChildProcess[] = [];
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    // The whole group: npm may be gone while what it started is not.
    for (const child of children) {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {}
    }
    for (const step of cleanup.reverse()) await step().catch(() => {});
  });

  const { exported, commands } = splitGuide(shellLines(GUIDE));
  const API = 'PORT=8080 HOST=0.0.0.0 npm start -- api';
  const WORKER = 'npm run worker';

  it('has exactly the commands this test runs', () => {
    expect(commands).toEqual([API, WORKER]);
  });

  it('serves from two API processes and works in workers on one PostgreSQL and one bucket; a SIGTERMed worker hands its work back', async () => {
    const pgdb = await createPostgresDatabase();
    cleanup.push(() => pgdb.drop());
    const s3 = await startTestS3('reelay-deploy');
    cleanup.push(() => s3.stop());
    const ports = [await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${ports[0]}`;
    // A value for every setting the guide exports (and only those): test ones, all on loopback.
    const shared: Record<string, string> = {
      DATABASE_URL: pgdb.url,
      REELAY_STORAGE_DRIVER: 's3',
      REELAY_S3_BUCKET: s3.bucket,
      REELAY_S3_REGION: 'eu-central-1',
      REELAY_S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      REELAY_S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      REELAY_SIGNING_SECRET: randomBytes(32).toString('hex'),
      REELAY_PUBLIC_URL: publicUrl,
      REELAY_S3_ENDPOINT: s3.endpoint,
      REELAY_S3_FORCE_PATH_STYLE: 'on',
    };
    expect(Object.keys(shared).sort()).toEqual([...exported].sort());

    /** Its own data folder per process, as on machines of their own; only the database and bucket are shared. */
    const machine = async (extra: Record<string, string>) => {
      const dataDir = await mkdtemp(join(tmpdir(), 'reelay-deploy-'));
      cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
      return { ...shared, REELAY_DATA_DIR: dataDir, REELAY_SHUTDOWN_SECONDS: '2', ...extra };
    };
    // Same command; the port is a free one and HOST stays on loopback, since tests listen nowhere else.
    const apiOn = async (port: number, extra: Record<string, string>) => {
      const child = await run(
        API,
        await machine({ PORT: String(port), HOST: '127.0.0.1', ...extra }),
        'listening on',
      );
      children.push(child);
      return child;
    };
    const first = await apiOn(ports[0] as number, { REELAY_DEV_KEY: KEY });
    const second = await apiOn(ports[1] as number, { REELAY_DEV_ACCOUNT: 'off' });
    const worker = await run(WORKER, await machine({ REELAY_DEV_ACCOUNT: 'off' }), 'Reelay worker');
    children.push(worker);

    const call = async (port: number, method: string, path: string, body?: unknown) => {
      const r = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      // biome-ignore lint/suspicious/noExplicitAny: reads arbitrary JSON answers.
      return { status: r.status, json: (await r.json()) as any };
    };
    const [one, two] = ports as [number, number];
    const created = await call(one, 'POST', '/api/v1/generations', {
      type: 'video',
      model: 'kling-3.0-omni',
      input: { prompt: 'handed back on SIGTERM', resolution: '1080p', duration: 10 },
    });
    expect(created.status).toBe(202);
    const id = created.json.id as string;
    // Watched on the other API process from the start: every change reaches it through PostgreSQL.
    const watched = readSse(`http://127.0.0.1:${two}/api/v1/generations/${id}/events`, {
      authorization: `Bearer ${KEY}`,
    });
    for (
      let i = 0;
      i < 400 && (await call(two, 'GET', `/api/v1/generations/${id}`)).json.status !== 'running';
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    worker.kill('SIGTERM');
    expect(await exitOf(worker)).toEqual({ code: 0, signal: null });
    const db = new pg.Client({ connectionString: pgdb.url });
    await db.connect();
    cleanup.push(() => db.end());
    const job = await db.query('SELECT locked_by, locked_until FROM jobs WHERE generation_id = $1', [id]);
    // Still to do, and no longer held by the stopped worker: the next worker takes it without waiting.
    expect(job.rows).toEqual([{ locked_by: null, locked_until: null }]);
    expect((await call(one, 'GET', `/api/v1/generations/${id}`)).json.status).toBe('running');

    const next = await run(WORKER, await machine({ REELAY_DEV_ACCOUNT: 'off' }), 'Reelay worker');
    children.push(next);
    const stream = await watched;
    expect(stream.ended).toBe(true);
    expect(stream.events.map((e) => e.event)).toContain('generation.running');
    expect(stream.events.at(-1)?.event).toBe('generation.succeeded');
    const final = await call(one, 'GET', `/api/v1/generations/${id}`);
    expect(final.json).toMatchObject({ status: 'succeeded', chargedTokens: 113 });
    const ledger = await db.query('SELECT kind FROM ledger_entries WHERE generation_id = $1 ORDER BY id', [
      id,
    ]);
    expect(ledger.rows.map((r) => r.kind)).toEqual(['hold', 'capture']);

    // The output is in the bucket: a link signed by the first API process opens on the second.
    const link = new URL(final.json.outputs[0].url);
    expect(link.origin).toBe(publicUrl);
    const redirect = await fetch(`http://127.0.0.1:${two}${link.pathname}${link.search}`, {
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(location.startsWith(`${s3.endpoint}/`)).toBe(true);
    const video = await fetch(location);
    expect(video.status).toBe(200);
    expect(Number(video.headers.get('content-length'))).toBe(final.json.outputs[0].bytes);

    for (const child of [next, first, second]) child.kill('SIGTERM');
    for (const child of [next, first, second]) expect(await exitOf(child)).toEqual({ code: 0, signal: null });
  }, 240_000);
});
