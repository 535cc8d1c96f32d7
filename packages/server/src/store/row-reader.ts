/** A row as a driver returns it: column name → value. */
export type Row = Record<string, unknown>;

/** Thrown when a column holds another kind of value than its table declares: a schema and code out of step. */
export class RowShapeError extends Error {
  constructor(column: string, expected: string, value: unknown) {
    super(`column ${column} holds ${value === null ? 'null' : typeof value}, not ${expected}`);
  }
}

/**
 * Typed reads of one row, checked at run time, so row mapping needs no casts. `json` is the one place a
 * jsonb column's shape is taken on trust (the database wrote it from the same types).
 */
export interface RowReader {
  text(column: string): string;
  textOrNull(column: string): string | null;
  number(column: string): number;
  numberOrNull(column: string): number | null;
  boolean(column: string): boolean;
  booleanOrNull(column: string): boolean | null;
  date(column: string): Date;
  dateOrNull(column: string): Date | null;
  /** A text[] column, or null. */
  textArrayOrNull(column: string): string[] | null;
  /** An int[] column, or null. */
  numberArrayOrNull(column: string): number[] | null;
  /** One of `allowed` (an enum or check-constrained text column). */
  oneOf<T extends string>(column: string, allowed: readonly T[]): T;
  json<T>(column: string): T;
  jsonOrNull<T>(column: string): T | null;
}

export function readRow(row: Row): RowReader {
  const value = (column: string) => row[column] ?? null;
  const number = (column: string): number | null => {
    const v = value(column);
    if (v === null) return null;
    if (typeof v === 'number') return v;
    throw new RowShapeError(column, 'a number', v);
  };
  const text = (column: string): string | null => {
    const v = value(column);
    if (v === null || typeof v === 'string') return v;
    throw new RowShapeError(column, 'text', v);
  };
  const date = (column: string): Date | null => {
    const v = value(column);
    if (v === null || v instanceof Date) return v;
    throw new RowShapeError(column, 'a timestamp', v);
  };
  const boolean = (column: string): boolean | null => {
    const v = value(column);
    if (v === null || typeof v === 'boolean') return v;
    throw new RowShapeError(column, 'a boolean', v);
  };
  const present = <T>(column: string, v: T | null, expected: string): T => {
    if (v === null) throw new RowShapeError(column, expected, null);
    return v;
  };
  return {
    text: (column) => present(column, text(column), 'text'),
    textOrNull: text,
    number: (column) => present(column, number(column), 'a number'),
    numberOrNull: number,
    boolean: (column) => present(column, boolean(column), 'a boolean'),
    booleanOrNull: boolean,
    date: (column) => present(column, date(column), 'a timestamp'),
    dateOrNull: date,
    textArrayOrNull(column) {
      const v = value(column);
      if (v === null) return null;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
      throw new RowShapeError(column, 'a text array', v);
    },
    numberArrayOrNull(column) {
      const v = value(column);
      if (v === null) return null;
      if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v;
      throw new RowShapeError(column, 'an int array', v);
    },
    oneOf<T extends string>(column: string, allowed: readonly T[]): T {
      const v = value(column);
      const found = allowed.find((a) => a === v);
      if (found === undefined) throw new RowShapeError(column, allowed.join(' | '), v);
      return found;
    },
    json: <T>(column: string) => value(column) as T,
    jsonOrNull: <T>(column: string) => value(column) as T | null,
  };
}
