import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** A source file by its path under `src/` (with `/`) and its text. */
interface SourceFile {
  path: string;
  text: string;
}

function sourceFiles(root: string): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        files.push({ path: relative(root, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(root);
  return files;
}

/** The text without block comments and whole-line `//` comments, so prose about SQL is not taken for it. */
const codeOf = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** Every `import … from` and `export … from` of a file: the target under `src/` and whether it is type-only. */
function importsOf(file: SourceFile): { target: string; typeOnly: boolean }[] {
  const found: { target: string; typeOnly: boolean }[] = [];
  for (const m of codeOf(file.text).matchAll(/\b(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)'/g)) {
    const specifier = m[4] ?? '';
    if (!specifier.startsWith('.')) continue;
    const target = posix.normalize(posix.join(posix.dirname(file.path), specifier));
    found.push({ target, typeOnly: m[2] !== undefined });
  }
  return found;
}

const under = (path: string, folder: string) => path.startsWith(`${folder}/`);

/** The one places allowed to open the database and hand it out. */
const COMPOSITION_ROOTS = new Set(['app.ts', 'main.ts']);

/**
 * What the layout forbids: SQL sent from outside `db/` and `store/`; values (not types) imported from `db/`
 * outside those and the composition root; and any import of `store/` or `db/` by the HTTP layer (`api/`,
 * `web/`), which works through the services in `ApiDeps`.
 */
function layoutViolations(files: readonly SourceFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const dataRoom = under(file.path, 'db') || under(file.path, 'store');
    if (!dataRoom) {
      const code = codeOf(file.text);
      const calls = code.match(/\.(?:query|script)\s*[<(]|\brunSql\s*[<(]/g) ?? [];
      if (calls.length > 0) found.push(`${file.path}: sends SQL (${calls.length}×); put it in store/`);
    }
    const http = under(file.path, 'api') || under(file.path, 'web');
    for (const { target, typeOnly } of importsOf(file)) {
      if (http && (under(target, 'store') || under(target, 'db'))) {
        found.push(`${file.path}: imports ${target}; the HTTP layer gets services from ApiDeps`);
      } else if (!dataRoom && !typeOnly && under(target, 'db') && !COMPOSITION_ROOTS.has(file.path)) {
        found.push(`${file.path}: imports values from ${target}; only types of db/ are used outside store/`);
      }
    }
  }
  return found;
}

describe('architecture', () => {
  it('keeps SQL in db/ and store/, and the database out of the HTTP layer', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    expect(layoutViolations(files)).toEqual([]);
  });

  it('finds SQL outside store/, a route reaching the database and a value import from db/', () => {
    const violations = layoutViolations([
      {
        path: 'api/health-routes.ts',
        text: "import type { Database } from '../db/database.ts';\nawait deps.db.query('SELECT 1');",
      },
      {
        path: 'api/usage-routes.ts',
        text: "import { ledgerPage } from '../store/usage.ts';\n// runSql(db, x) in a comment is prose\n",
      },
      {
        path: 'generations/create-generation.ts',
        text: "import { type Database, sqlLiteral } from '../db/database.ts';\nconst rows = await db.script(s);",
      },
      {
        path: 'worker/drive-generation.ts',
        text: "import { runSql, sql } from '../db/sql.ts';\nawait runSql<{ done: number }>(db, q);\nawait db\n  .query<{\n a: 1 }>(t);",
      },
      {
        path: 'store/generations.ts',
        text: "import { runSql } from '../db/sql.ts';\nawait runSql(db, q);",
      },
      { path: 'app.ts', text: "import { openDatabase } from './db/open-database.ts';" },
      { path: 'web/web-routes.ts', text: 'const q = request.query as Record<string, unknown>;' },
    ]);
    expect(violations).toEqual([
      'api/health-routes.ts: sends SQL (1×); put it in store/',
      'api/health-routes.ts: imports db/database.ts; the HTTP layer gets services from ApiDeps',
      'api/usage-routes.ts: imports store/usage.ts; the HTTP layer gets services from ApiDeps',
      'generations/create-generation.ts: sends SQL (1×); put it in store/',
      'generations/create-generation.ts: imports values from db/database.ts; only types of db/ are used outside store/',
      'worker/drive-generation.ts: sends SQL (2×); put it in store/',
      'worker/drive-generation.ts: imports values from db/sql.ts; only types of db/ are used outside store/',
    ]);
  });

  it('reads imports relative to the importing file', () => {
    const [imported] = importsOf({
      path: 'generations/x.ts',
      text: "import type { Queryable } from '../db/database.ts';",
    });
    expect(imported).toEqual({ target: 'db/database.ts', typeOnly: true });
  });
});
