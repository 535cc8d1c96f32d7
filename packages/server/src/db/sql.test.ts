import { describe, expect, it } from 'vitest';
import { type Queryable, sqlLiteral } from './database.ts';
import { render, runSql, Sql, sql } from './sql.ts';

describe('sql fragments', () => {
  it('numbers values $1..$n in the order they appear', () => {
    expect(render(sql`SELECT * FROM t WHERE a = ${'x'} AND b > ${2} AND c IS ${null}`)).toEqual({
      text: 'SELECT * FROM t WHERE a = $1 AND b > $2 AND c IS $3',
      values: ['x', 2, null],
    });
  });

  it('splices nested fragments and keeps numbering across them', () => {
    const inner = sql`b = ${'in'} AND c = ${sql`lower(${'deep'})`}`;
    expect(render(sql`SELECT ${1} WHERE a = ${'out'} AND ${inner} AND d = ${'last'}`)).toEqual({
      text: 'SELECT $1 WHERE a = $2 AND b = $3 AND c = lower($4) AND d = $5',
      values: [1, 'out', 'in', 'deep', 'last'],
    });
  });

  it('renders text alone when there are no values', () => {
    expect(render(sql`SELECT 1 FROM ${sql`done`}`)).toEqual({ text: 'SELECT 1 FROM done', values: [] });
  });

  it('numbers many values past one digit', () => {
    const items = Array.from({ length: 12 }, (_, i) => sql`${`v${i}`}`);
    const list = items.reduce((acc, item) => sql`${acc}, ${item}`);
    const { text, values } = render(sql`VALUES (${list})`);
    expect(text).toBe(`VALUES (${items.map((_, i) => `$${i + 1}`).join(', ')})`);
    expect(values).toEqual(items.map((_, i) => `v${i}`));
  });

  it('gives a fragment used twice the same numbers and sends its values once', () => {
    const id = sql`${'g1'}`;
    const seq = sql`${3}::int`;
    const { text, values } = render(
      sql`UPDATE t SET n = ${seq} WHERE id = ${id} AND ${seq} >= 1 AND other = ${'o'} AND id = ${id}`,
    );
    expect(text).toBe('UPDATE t SET n = $1::int WHERE id = $2 AND $1::int >= 1 AND other = $3 AND id = $2');
    expect(values).toEqual([3, 'g1', 'o']);
  });

  it('gives the same value in two places two parameters unless it is one fragment', () => {
    expect(render(sql`${'a'} ${'a'}`)).toEqual({ text: '$1 $2', values: ['a', 'a'] });
  });

  it('never writes a value into the text', () => {
    const hostile = ["'; DROP TABLE t; --", '$1', "') OR ('1' = '1", 'a\\b', "O'Brien"];
    const { text, values } = render(
      sql`SELECT ${hostile[0]}, ${sql`${hostile[1]}, ${hostile[2]}`}, ${hostile[3]}, ${hostile[4]}`,
    );
    expect(text).toBe('SELECT $1, $2, $3, $4, $5');
    expect(values).toEqual(hostile);
    for (const value of hostile) if (value !== '$1') expect(text).not.toContain(value);
  });

  it('passes objects and arrays through as values', () => {
    const when = new Date(0);
    const { values } = render(sql`${when} ${['a']}`);
    expect(values[0]).toBe(when);
    expect(values[1]).toEqual(['a']);
  });

  it('refuses a fragment whose strings and parts do not fit', () => {
    expect(() => new Sql(['a', 'b'], [])).toThrow();
  });

  it('runs a fragment on a Queryable as one query', async () => {
    const calls: { text: string; params: readonly unknown[] | undefined }[] = [];
    const db: Queryable = {
      async query<T>(text: string, params?: readonly unknown[]) {
        calls.push({ text, params });
        return [{ ok: 1 }] as T[];
      },
    };
    const rows = await runSql<{ ok: number }>(db, sql`SELECT ${7} AS ok WHERE ${sql`${'k'} = ${'k'}`}`);
    expect(rows).toEqual([{ ok: 1 }]);
    expect(calls).toEqual([{ text: 'SELECT $1 AS ok WHERE $2 = $3', params: [7, 'k', 'k'] }]);
  });

  it('writes values as literals for a script with sqlLiteral', () => {
    expect([sqlLiteral("k'1"), sqlLiteral(-2), sqlLiteral(true), sqlLiteral(null)]).toEqual([
      "E'k''1'",
      '(-2)',
      'TRUE',
      'NULL',
    ]);
    expect(() => sqlLiteral(Number.NaN)).toThrow();
  });
});
