import type { Queryable } from '../db/database.ts';
import { runSql, type Sql, sql } from '../db/sql.ts';
import { JOBS_CHANNEL } from './jobs.ts';
import { type Row, readRow } from './row-reader.ts';

export const RENDER_STATES = ['rendering', 'done', 'failed', 'lost'] as const;
export type RenderState = (typeof RENDER_STATES)[number];

/** The latest run of a local render, as every worker sees it. */
export interface RenderRun {
  renderId: string;
  run: number;
  generationId: string;
  /** The run's folder in the renders folder of the process that runs it. */
  folder: string;
  /** The process that runs it (or keeps its output). */
  owner: string;
  state: RenderState;
  progress: number;
  /** Why it failed (state `failed`), in words a client may read. */
  error: string | null;
  /** Whether its owner still renews its lease: false once that process is gone. */
  live: boolean;
}

const runOf = (row: Row): RenderRun => {
  const r = readRow(row);
  return {
    renderId: r.text('render_id'),
    run: r.number('run'),
    generationId: r.text('generation_id'),
    folder: r.text('folder'),
    owner: r.text('owner'),
    state: r.oneOf('state', RENDER_STATES),
    progress: r.number('progress'),
    error: r.textOrNull('error'),
    live: r.boolean('live'),
  };
};

const leaseEnd = (leaseMs: number) => sql`now() + make_interval(secs => ${leaseMs / 1000})`;

/** The `local_renders` table: the runs of the local renderer's renders, one row per run. */
export class LocalRenders {
  constructor(private readonly db: Queryable) {}

  /** The latest run of a render, or null when it has never run. */
  async latest(renderId: string): Promise<RenderRun | null> {
    const rows = await runSql(
      this.db,
      sql`SELECT *, lease_until > now() AS live FROM local_renders WHERE render_id = ${renderId}
          ORDER BY run DESC LIMIT 1`,
    );
    return rows[0] ? runOf(rows[0]) : null;
  }

  /**
   * Starts a run of the render for `owner`, held for `leaseMs`, when it has none yet or its latest run belongs to
   * a process that is gone (lease lapsed, rendering or keeping an output): that run becomes `lost` in the same
   * statement, under its row lock, so of several workers taking over one render exactly one does, and an owner
   * renewing at that moment either keeps its run or finds it lost. `outputGone` also takes over a finished run
   * whose owner lives: its output left its folder without being recorded (a worker died while storing it). Null
   * when the render is not free to start.
   */
  async claim(claim: {
    renderId: string;
    generationId: string;
    owner: string;
    leaseMs: number;
    outputGone?: boolean;
  }): Promise<{ run: number; folder: string } | null> {
    const { renderId, generationId, owner } = claim;
    const gone = claim.outputGone === true;
    const rows = await runSql(
      this.db,
      sql`WITH prev AS (
            SELECT run FROM local_renders WHERE render_id = ${renderId} ORDER BY run DESC LIMIT 1
          ), lost AS (
            UPDATE local_renders r SET state = 'lost', finished_at = now()
            FROM prev WHERE r.render_id = ${renderId} AND r.run = prev.run
              AND r.state IN ('rendering', 'done')
              AND (r.lease_until <= now() OR (${gone} AND r.state = 'done'))
            RETURNING r.run
          ), next AS (
            SELECT COALESCE((SELECT run FROM prev), 0) + 1 AS run
            WHERE NOT EXISTS (SELECT 1 FROM prev) OR EXISTS (SELECT 1 FROM lost)
          )
          INSERT INTO local_renders (render_id, run, generation_id, folder, owner, lease_until)
          SELECT ${renderId}, next.run, ${generationId}, ${renderId} || '-' || next.run, ${owner},
            ${leaseEnd(claim.leaseMs)}
          FROM next
          ON CONFLICT DO NOTHING
          RETURNING run, folder`,
    );
    const row = rows[0];
    if (!row) return null;
    const r = readRow(row);
    return { run: r.number('run'), folder: r.text('folder') };
  }

  /**
   * Renews `owner`'s lease on its runs in `folders` (rendering, or done and kept) and records their progress.
   * Returns the folders it still holds: a run another worker took over, or whose generation has ended, is not
   * among them, and its owner stops it and removes its folder.
   */
  async renew(
    owner: string,
    folders: readonly string[],
    leaseMs: number,
    progress: Readonly<Record<string, number>>,
  ): Promise<string[]> {
    if (folders.length === 0) return [];
    const rows = await runSql(
      this.db,
      sql`UPDATE local_renders r SET lease_until = ${leaseEnd(leaseMs)},
            progress = COALESCE((${JSON.stringify(progress)}::jsonb ->> r.folder)::real, r.progress)
          WHERE r.owner = ${owner} AND r.folder = ANY(${[...folders]}::text[])
            AND r.state IN ('rendering', 'done')
            AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.id = r.generation_id
              AND g.status NOT IN ('queued', 'running'))
          RETURNING r.folder`,
    );
    return rows.map((row) => readRow(row).text('folder'));
  }

  /** Records `owner`'s run finished, its output kept in its folder; false when the run is no longer its own. */
  async finish(owner: string, folder: string, leaseMs: number): Promise<boolean> {
    return this.ended(
      sql`UPDATE local_renders SET state = 'done', progress = 1, finished_at = now(), lease_until = ${leaseEnd(leaseMs)}
          WHERE owner = ${owner} AND folder = ${folder} AND state = 'rendering' RETURNING generation_id`,
    );
  }

  /** Records `owner`'s run failed for `message`; false when the run is no longer its own. */
  async fail(owner: string, folder: string, message: string): Promise<boolean> {
    return this.ended(
      sql`UPDATE local_renders SET state = 'failed', error = ${message}, finished_at = now()
          WHERE owner = ${owner} AND folder = ${folder} AND state = 'rendering' RETURNING generation_id`,
    );
  }

  /**
   * Makes due now the local generation that has waited longest for a render slot, and wakes the workers for it:
   * for a slot freed without a run's end being recorded (a run stopped because its generation was canceled or
   * ended, or one its process no longer owned). Without it that generation would wait for its next look.
   */
  async slotFreed(): Promise<void> {
    await this.wake(null);
  }

  /**
   * Runs `update` (a run's end, returning its generation) and, in the same statement, makes due now the jobs of
   * that generation (its output is there to store, or its failure to record) and of the local generation that has
   * waited longest for a render slot (this run's slot is free), and wakes the workers for them. Without it both
   * would wait for their next poll. True when the run was the owner's to end.
   */
  private async ended(update: Sql): Promise<boolean> {
    return (await this.wake(update)) > 0;
  }

  /**
   * The statement of {@link ended} and {@link slotFreed}: with `update`, the waiting generation is woken only when it
   * ended a run; without, always. Returns how many runs it ended.
   */
  private async wake(update: Sql | null): Promise<number> {
    const ended = update ?? sql`SELECT NULL::text AS generation_id WHERE false`;
    const slotIsFree = update ? sql`EXISTS (SELECT 1 FROM ended)` : sql`true`;
    const rows = await runSql(
      this.db,
      sql`WITH ended AS (${ended}), waiting AS (
            SELECT j.generation_id FROM jobs j JOIN generations g ON g.id = j.generation_id
            WHERE g.provider = 'local' AND g.status = 'running' AND g.operation IS NOT NULL
              AND j.locked_by IS NULL AND j.run_at > clock_timestamp()
              AND NOT EXISTS (SELECT 1 FROM local_renders r WHERE r.generation_id = g.id)
              AND ${slotIsFree}
            ORDER BY j.run_at LIMIT 1
          ), due AS (
            UPDATE jobs SET run_at = clock_timestamp()
            WHERE generation_id IN (SELECT generation_id FROM ended UNION SELECT generation_id FROM waiting)
              AND locked_by IS NULL
            RETURNING generation_id
          ), woken AS (
            -- Counted below: a plain SELECT in WITH runs only when read, and these are the wake-ups.
            SELECT pg_notify(${JOBS_CHANNEL}, generation_id) FROM due
          )
          SELECT (SELECT count(*) FROM ended)::int AS ended, (SELECT count(*) FROM woken)::int AS woken`,
    );
    return rows[0] ? readRow(rows[0]).number('ended') : 0;
  }

  /** Ends `owner`'s leases on these runs now (the process is stopping), so another worker takes them over at once. */
  async release(owner: string, folders: readonly string[]): Promise<void> {
    if (folders.length === 0) return;
    await runSql(
      this.db,
      sql`UPDATE local_renders SET lease_until = now()
          WHERE owner = ${owner} AND folder = ANY(${[...folders]}::text[]) AND state IN ('rendering', 'done')`,
    );
  }

  /**
   * Of these folders found in a renders folder, the ones nothing needs any more: no run has that folder, or its
   * run was lost or failed, or its generation has ended. A run still rendering (even one whose process is gone,
   * until another takes it over) or done for a generation still going is kept: its output may still be stored.
   */
  async disposable(folders: readonly string[]): Promise<string[]> {
    if (folders.length === 0) return [];
    const rows = await runSql(
      this.db,
      sql`SELECT f.folder FROM unnest(${[...folders]}::text[]) AS f(folder)
          WHERE NOT EXISTS (
            SELECT 1 FROM local_renders r
            WHERE r.folder = f.folder AND r.state IN ('rendering', 'done')
              AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.id = r.generation_id
                AND g.status NOT IN ('queued', 'running')))`,
    );
    return rows.map((row) => readRow(row).text('folder'));
  }
}
