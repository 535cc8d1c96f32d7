/** Anything SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<T[]>;
}

/** PGlite or PostgreSQL behind one small interface. int8 columns come back as numbers. */
export interface Database extends Queryable {
  readonly driver: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Sends several `;`-separated statements without parameters (values go in as {@link sqlLiteral}s) in one
   * round trip. They run as one transaction — all or none; on the first error the rest are skipped and it is
   * rolled back — and, as in any READ COMMITTED transaction, each statement sees what was committed before it
   * started, so a statement after a row lock sees every change committed before that lock was granted.
   * Returns the rows of each statement, in order.
   */
  script(text: string): Promise<Record<string, unknown>[][]>;
  /**
   * Calls `onNotify` for every NOTIFY on `channel`, from any connection; returns the unsubscribe. `onLost` is
   * called once if the listening connection ends by itself (notifications may have been missed from then on).
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    options?: { onLost?: () => void },
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Postgres error code of a unique-constraint violation. */
export const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION
  );
}

/**
 * A value written into SQL text: NULL, a finite number, a boolean, or an escape string (E'…', whose quotes
 * and backslashes are doubled, so it reads the same whatever standard_conforming_strings says).
 * A NUL character has no place in PostgreSQL text and is refused.
 */
export function sqlLiteral(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return value < 0 ? `(${value})` : String(value);
  }
  if (value.includes('\0')) throw new Error('a NUL character cannot be written into SQL text');
  return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}
