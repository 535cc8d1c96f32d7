import type { Database } from '../db/database.ts';
import { generationFromRow } from '../generations/generation-record.ts';
import { JOBS_CHANNEL } from '../store/jobs.ts';
import { release } from '../store/ledger.ts';

/** Longest time a generation may take from creation: a default and per-model overrides, in seconds. */
export interface Deadlines {
  defaultSeconds: number;
  perModel: Readonly<Record<string, number>>;
}

export const deadlineSecondsFor = (d: Deadlines, model: string): number =>
  d.perModel[model] ?? d.defaultSeconds;

/**
 * Fails every queued or running generation past its model's deadline with `deadline_exceeded` and
 * releases its hold, in one transaction per batch. Its job is made due at once, so a worker asks the
 * upstream to cancel (where it can) and drops the job. Safe to run from any number of processes.
 */
export async function failOverdueGenerations(
  db: Database,
  deadlines: Deadlines,
  batch = 100,
): Promise<string[]> {
  return db.transaction(async (tx) => {
    const rows = await tx.query(
      `WITH overdue AS (
         SELECT id, COALESCE(($1::jsonb ->> model)::float8, $2::float8) AS secs FROM generations
         WHERE status IN ('queued', 'running')
           AND created_at + make_interval(secs => COALESCE(($1::jsonb ->> model)::float8, $2::float8)) < clock_timestamp()
         LIMIT $3 FOR UPDATE SKIP LOCKED)
       UPDATE generations g SET status = 'failed', completed_at = clock_timestamp(),
         error = jsonb_build_object('code', 'deadline_exceeded', 'message',
           'The generation did not finish within the ' || overdue.secs || ' seconds allowed for ' || g.model || '.')
       FROM overdue WHERE g.id = overdue.id AND g.status IN ('queued', 'running')
       RETURNING g.*`,
      [JSON.stringify(deadlines.perModel), deadlines.defaultSeconds, batch],
    );
    const ids: string[] = [];
    for (const row of rows) {
      const g = generationFromRow(row);
      await release(tx, { accountId: g.accountId, mode: g.runMode, keyId: g.keyId }, g.id, g.holdMilli);
      await tx.query('UPDATE jobs SET run_at = clock_timestamp() WHERE generation_id = $1', [g.id]);
      ids.push(g.id);
    }
    if (ids.length > 0) await tx.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, ids[0]]);
    return ids;
  });
}

/** Runs `failOverdueGenerations` every `intervalMs` until stopped. */
export class DeadlineSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly deadlines: Deadlines,
    private readonly intervalMs: number,
    private readonly log: { error(obj: unknown, msg: string): void },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.running
        .then(() => failOverdueGenerations(this.db, this.deadlines))
        .catch((error: unknown) => this.log.error({ err: error }, 'deadline sweep failed'));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
