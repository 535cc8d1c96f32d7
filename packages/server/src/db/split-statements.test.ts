import { describe, expect, it } from 'vitest';
import { splitStatements } from './split-statements.ts';

describe('splitStatements', () => {
  it('splits plain DDL and drops comments', () => {
    expect(
      splitStatements('-- a table; really\nCREATE TABLE a (x int);\n/* b; */ CREATE INDEX i ON a (x);\n'),
    ).toEqual(['CREATE TABLE a (x int)', 'CREATE INDEX i ON a (x)']);
  });

  it('keeps semicolons inside strings, quoted identifiers and dollar-quoted bodies', () => {
    const sql = `INSERT INTO t VALUES ('a;b', 'it''s; fine');
CREATE TABLE "odd;name" (x int);
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1; -- inside; still the body
  RETURN NULL;
END $$;
CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT 'x;$$y' $body$;
SELECT 1`;
    const out = splitStatements(sql);
    expect(out).toHaveLength(5);
    expect(out[0]).toBe("INSERT INTO t VALUES ('a;b', 'it''s; fine')");
    expect(out[1]).toBe('CREATE TABLE "odd;name" (x int)');
    expect(out[2]).toContain('PERFORM 1; -- inside; still the body\n  RETURN NULL;\nEND $$');
    expect(out[3]).toBe("CREATE FUNCTION g() RETURNS text LANGUAGE sql AS $body$ SELECT 'x;$$y' $body$");
    expect(out[4]).toBe('SELECT 1');
  });

  it('does not take a positional parameter for a dollar quote', () => {
    expect(splitStatements('SELECT $1; SELECT $2')).toEqual(['SELECT $1', 'SELECT $2']);
  });

  it('refuses an unterminated body instead of running half of it', () => {
    expect(() => splitStatements('CREATE FUNCTION f() AS $$ BEGIN;')).toThrow(/unterminated/);
  });
});
