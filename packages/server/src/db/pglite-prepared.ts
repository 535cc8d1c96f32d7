import type { PGlite, Transaction } from '@electric-sql/pglite';
import { sqlLiteral } from './database.ts';
import { isStalePlan, StatementNames } from './statement-names.ts';

/** What a statement runs on: the PGlite instance or one of its transactions. */
type Session = Pick<PGlite, 'query' | 'exec'> | Pick<Transaction, 'query' | 'exec'>;

/** A prepared statement of the session: its name and the types PostgreSQL gave its parameters. */
interface Prepared {
  name: string;
  paramTypes: number[];
}

/** A PREPARE made or under way on a session; `ready` once it has ended (null: the text cannot be prepared). */
interface Preparing {
  session: Session;
  making: Promise<Prepared | null>;
  ready?: Prepared | null;
}

/**
 * Statements that run again and again, prepared once in PGlite's one session.
 *
 * PGlite's `query` parses and plans its text on every call and takes six calls into the WebAssembly engine for it
 * (parse, describe, bind, describe, execute, sync). A statement met a second time is instead prepared once with SQL
 * `PREPARE` and then run as `EXECUTE name(…)` in a simple query: two calls, the statement parsed once, and its plan
 * kept by PostgreSQL's plan cache. `EXECUTE` takes no bound parameters, so each value is written into the text as a literal, in exactly the
 * text form PGlite would have bound it in (its own serializer for the parameter's type), which PostgreSQL reads with
 * that type's input function, as it reads a bound text parameter. What cannot be prepared (several statements in one
 * text, a command PREPARE does not take) runs as before.
 */
export class PglitePrepared {
  private readonly names: StatementNames;
  /** By text. */
  private readonly prepared = new Map<string, Preparing>();

  constructor(
    private readonly serializers: PGlite['serializers'],
    limit?: number,
  ) {
    this.names = new StatementNames(limit);
  }

  /**
   * Runs `text` with `params` on `session` (a transaction when `inTransaction`), prepared when it has been met
   * before.
   */
  async run<T>(
    session: Session,
    inTransaction: boolean,
    text: string,
    params: readonly unknown[],
  ): Promise<T[]> {
    const plain = async () => (await session.query<T>(text, [...params])).rows;
    const name = this.names.nameOf(text);
    if (name === undefined) return plain();
    let entry = this.prepared.get(text);
    if (!entry) {
      const made: Preparing = { session, making: this.prepare(session, inTransaction, name, text) };
      // A PREPARE that throws (its savepoint could not be undone) throws to the call that awaits it, not here.
      made.making.then(
        (statement) => {
          made.ready = statement;
        },
        () => undefined,
      );
      this.prepared.set(text, made);
      entry = made;
    }
    let statement = entry.ready;
    if (statement === undefined) {
      // Being prepared on another session (a transaction, or outside the one this runs in), which may be waiting for
      // this one to end: this call does not wait for it.
      if (entry.session !== session) return plain();
      statement = await entry.making;
    }
    if (statement === null) return plain();
    const call = this.execute(statement, params);
    if (call === null) return plain();
    try {
      const [result] = await session.exec(call);
      return (result?.rows ?? []) as T[];
    } catch (error) {
      if (!isStalePlan(error)) throw error;
      // A table it reads changed under it (its result has other columns now): it runs unprepared from now on.
      this.names.forget(text);
      this.prepared.delete(text);
      // Inside a transaction the refusal has aborted it: the caller's retry runs the text unprepared.
      if (inTransaction) throw error;
      await session.exec(`DEALLOCATE ${statement.name}`).catch(() => undefined);
      return plain();
    }
  }

  /**
   * Prepares `text` under `name` and reads its parameters' types; null when it cannot be prepared here (it then runs
   * as it always did, and a text PostgreSQL refuses to prepare — several statements, a command that cannot be
   * prepared — is not tried again). In a transaction the PREPARE runs under a savepoint, so its refusal leaves the
   * transaction as it was.
   */
  private async prepare(
    session: Session,
    inTransaction: boolean,
    name: string,
    text: string,
  ): Promise<Prepared | null> {
    const prepare = `PREPARE ${name} AS ${text};
      SELECT t::oid::int AS oid FROM pg_prepared_statements, unnest(parameter_types) WITH ORDINALITY AS p(t, i)
      WHERE name = ${sqlLiteral(name)} ORDER BY i`;
    try {
      // Its own statement: a refusal at parse (a text PREPARE cannot take) fails the whole message it is in.
      if (inTransaction) await session.exec('SAVEPOINT reelay_prepare');
    } catch {
      // A transaction that had already failed runs nothing (the plain query reports that): the next call tries.
      this.prepared.delete(text);
      return null;
    }
    try {
      // A statement of the session: it outlives the transaction it is made in, whatever that transaction's end.
      const [, types] = await session.exec(prepare);
      if (inTransaction) await session.exec('RELEASE SAVEPOINT reelay_prepare');
      return { name, paramTypes: (types?.rows ?? []).map((r) => Number((r as { oid: number }).oid)) };
    } catch {
      if (inTransaction)
        await session.exec('ROLLBACK TO SAVEPOINT reelay_prepare; RELEASE SAVEPOINT reelay_prepare');
      this.names.forget(text);
      this.prepared.delete(text);
      return null;
    }
  }

  /** The `EXECUTE` of `statement` with `params` as literals; null when a value cannot be written as one. */
  private execute(statement: Prepared, params: readonly unknown[]): string | null {
    if (params.length !== statement.paramTypes.length) return null;
    const values: string[] = [];
    for (let i = 0; i < params.length; i++) {
      const value = params[i];
      if (value === null || value === undefined) {
        values.push('NULL');
        continue;
      }
      const serialize = this.serializers[statement.paramTypes[i] as number];
      const textForm = serialize ? serialize(value) : String(value);
      // Text PostgreSQL cannot hold (a NUL character): the plain query gives PostgreSQL's own refusal.
      if (textForm.includes('\0')) return null;
      values.push(sqlLiteral(textForm));
    }
    return values.length === 0
      ? `EXECUTE ${statement.name}`
      : `EXECUTE ${statement.name}(${values.join(', ')})`;
  }
}
