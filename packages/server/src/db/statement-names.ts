import { createHash } from 'node:crypto';

/**
 * Which statements run as named (prepared) statements on PostgreSQL. A statement text met a second time gets a
 * name (from its hash), so each connection parses and plans it once and from then on only binds it: less to
 * send, and no parse or plan on the server for the statements every request and every worker step runs.
 * One-off texts stay unnamed, and at most `limit` texts are named, so a connection never holds more than that.
 */
export class StatementNames {
  /** null: met once; a string: its name; false: runs unnamed for good. */
  private readonly seen = new Map<string, string | null | false>();
  private named = 0;

  constructor(private readonly limit = 256) {}

  /** The name to run `text` under, or undefined to run it unnamed. */
  nameOf(text: string): string | undefined {
    const known = this.seen.get(text);
    if (typeof known === 'string') return known;
    if (known === false) return undefined;
    if (known === null) {
      if (this.named >= this.limit) return undefined;
      this.named++;
      const name = `r${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
      this.seen.set(text, name);
      return name;
    }
    // Texts met once are remembered up to a bound, so texts built with values inside cannot grow the map.
    if (this.seen.size < this.limit * 4) this.seen.set(text, null);
    return undefined;
  }

  /**
   * A named statement the server can no longer run as prepared (a migration by a newer process changed a table it
   * reads, so its result has other columns): the text runs unnamed from now on.
   */
  forget(text: string): void {
    this.seen.set(text, false);
  }
}

/** PostgreSQL's refusal to run a prepared statement whose tables changed under it (SQLSTATE 0A000). */
export function isStalePlan(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e.code === '0A000' && /cached plan must not change result type/.test(e.message ?? '');
}
