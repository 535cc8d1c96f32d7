import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file the pages load: stylesheet or script, kept in memory (they are a few kilobytes each). */
export interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** The folder of the page stylesheet and the scripts written in JavaScript. */
export const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

/**
 * The folder of the page scripts written in TypeScript (those that call the API, through the SDK). The production
 * build (`scripts/build.ts`) has none: it puts them, bundled, among the static files.
 */
export const SCRIPTS_DIR = fileURLToPath(new URL('./scripts/', import.meta.url));

const staticFile = (body: Buffer, contentType: string): StaticFile => ({
  body,
  contentType,
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
});

/**
 * Each TypeScript script of `dir` bundled for the browser (ES module, the SDK and the contract's types inside),
 * keyed `<name>.js` as the pages load it. One script importing another (`./api.js`) keeps that import, so the
 * pages share one copy of each module, as they did when every script was hand-written JavaScript.
 */
export function bundleScripts(dir: string = SCRIPTS_DIR): Map<string, Buffer> {
  if (!existsSync(dir)) return new Map();
  // esbuild is loaded only here: the production build has its scripts bundled already and never loads it.
  const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const entries = readdirSync(dir).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
  const { outputFiles } = buildSync({
    entryPoints: entries.map((name) => join(dir, name)),
    external: entries.map((name) => `./${basename(name, '.ts')}.js`),
    bundle: true,
    // The SDK's TypeScript sources, as everywhere in the repository (its package exports point at its build).
    conditions: ['reelay-source'],
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    outdir: dir,
    write: false,
  });
  return new Map(outputFiles.map((f) => [basename(f.path), Buffer.from(f.contents)]));
}

/** Reads every stylesheet and script of `dir` and adds the bundled TypeScript scripts, keyed by file name. */
export function loadStaticFiles(
  dir: string = STATIC_DIR,
  scripts: string = SCRIPTS_DIR,
): ReadonlyMap<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const contentType = TYPES[extname(name)];
    if (contentType) files.set(name, staticFile(readFileSync(join(dir, name)), contentType));
  }
  for (const [name, body] of bundleScripts(scripts)) {
    if (files.has(name)) throw new Error(`${name} is both in ${dir} and a script of ${scripts}`);
    files.set(name, staticFile(body, TYPES['.js'] ?? ''));
  }
  return files;
}
