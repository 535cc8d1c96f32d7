import { readFileSync } from 'node:fs';
import type pg from 'pg';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in ms; 0 when it is gone. */
export function cpuMsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command's closing parenthesis; utime and stime are the 14th and 15th of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * The CPU time of the server backends connected to the database `db` is on (the connection asking excluded), by
 * pid: read from /proc, since the benchmarks' PostgreSQL runs on this machine. Backends that end between two
 * readings drop out of the sum, so readings are taken while the processes under test keep their pools open.
 */
export async function backendCpu(db: pg.Pool): Promise<Map<number, number>> {
  const { rows } = await db.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return new Map(rows.map((r) => [r.pid, cpuMsOf(r.pid)]));
}

/** CPU ms the backends used between two readings (a backend first seen in `after` counts from zero). */
export function backendCpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

/**
 * Measures the CPU time a server process and the database backends serving it spend while a load runs: pass
 * `measuring` to `hammer`, then divide by the requests answered. `db` is a pool on the database the server uses
 * (null when the database is inside the process, as PGlite is).
 */
export function cpuMeter(pid: number, db: pg.Pool | null) {
  let process0 = 0;
  let backends0 = new Map<number, number>();
  const spent = { processMs: 0, databaseMs: 0 };
  return {
    spent,
    measuring: {
      async start() {
        process0 = cpuMsOf(pid);
        if (db) backends0 = await backendCpu(db);
      },
      async end() {
        spent.processMs = cpuMsOf(pid) - process0;
        if (db) spent.databaseMs = backendCpuSpent(backends0, await backendCpu(db));
      },
    },
  };
}
