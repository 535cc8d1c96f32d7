/**
 * Splits a migration file into statements on top-level `;`, leaving alone semicolons inside
 * 'strings', "identifiers", $tag$ dollar-quoted bodies $tag$ (function bodies) and comments.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    const rest = sql.slice(i);
    if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
      current += '\n';
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw new Error('unterminated /* comment in migration');
      i = end + 2;
      current += ' ';
      continue;
    }
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      current += sql.slice(i, end);
      i = end;
      continue;
    }
    const tag = ch === '$' ? /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest)?.[0] : undefined;
    if (tag !== undefined) {
      const end = sql.indexOf(tag, i + tag.length);
      if (end === -1) throw new Error(`unterminated ${tag} body in migration`);
      current += sql.slice(i, end + tag.length);
      i = end + tag.length;
      continue;
    }
    if (ch === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
      i++;
      continue;
    }
    current += ch;
    i++;
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

/** Index just past the quote closing the one at `start`; a doubled quote is an escaped one. */
function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  for (;;) {
    const next = sql.indexOf(quote, i);
    if (next === -1) throw new Error(`unterminated ${quote} in migration`);
    if (sql[next + 1] === quote) {
      i = next + 2;
      continue;
    }
    return next + 1;
  }
}
