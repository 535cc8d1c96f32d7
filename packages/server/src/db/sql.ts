import type { Queryable } from './database.ts';

/**
 * A piece of SQL built with the {@link sql} tag: text with holes, each hole holding either a value (sent as
 * a parameter) or another fragment (spliced in). Nothing is numbered until {@link render}, so pieces combine
 * without counting `$n` by hand.
 */
export class Sql {
  readonly strings: readonly string[];
  readonly parts: readonly unknown[];

  constructor(strings: readonly string[], parts: readonly unknown[]) {
    if (strings.length !== parts.length + 1)
      throw new Error('an SQL fragment needs one more string than parts');
    this.strings = strings;
    this.parts = parts;
  }
}

/**
 * Builds a fragment: `sql\`SELECT * FROM t WHERE id = ${id} AND ${condition}\``. A value becomes a parameter,
 * a nested fragment is spliced in. Only the literal text of the template is ever SQL text.
 */
export function sql(strings: TemplateStringsArray, ...parts: unknown[]): Sql {
  return new Sql(strings, parts);
}

/**
 * The text and parameter values of a fragment, numbered `$1..$n` in the order they first appear. A fragment
 * spliced in more than once gets the same numbers every time (its values are sent once), so one value can
 * stand in several places of a statement, as `$1` repeated would, and PostgreSQL infers one type for it.
 */
export function render(fragment: Sql): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const rendered = new Map<Sql, string>();
  const walk = (f: Sql): string => {
    const done = rendered.get(f);
    if (done !== undefined) return done;
    let text = f.strings[0] ?? '';
    f.parts.forEach((part, i) => {
      if (part instanceof Sql) {
        text += walk(part);
      } else {
        values.push(part);
        text += `$${values.length}`;
      }
      text += f.strings[i + 1] ?? '';
    });
    rendered.set(f, text);
    return text;
  };
  return { text: walk(fragment), values };
}

/** Sends a fragment as one statement (rendered with {@link render}) and returns its rows. */
export function runSql<T = Record<string, unknown>>(db: Queryable, fragment: Sql): Promise<T[]> {
  const { text, values } = render(fragment);
  return db.query<T>(text, values);
}
