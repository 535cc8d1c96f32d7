/**
 * The production build of the gateway: `packages/server/dist/`, which `npm start` runs with plain `node`.
 *
 * - `main.js`: `src/main.ts` and the workspace packages it uses (catalog, contract, SDK) compiled and bundled into
 *   an ES module, with chunks beside it (`<name>-<hash>.js`) for what is loaded later or only in some
 *   configurations; npm dependencies stay imports, resolved from node_modules as usual.
 * - `migrations/`: the SQL files, read beside `main.js` as they are beside `db/migrate.ts` in the sources.
 * - `static/`: the page stylesheet and scripts, with the TypeScript page scripts already bundled for the browser.
 * - `pglite-template-<version>.tgz`: an empty embedded-database cluster, so a new database is unpacked, not made.
 *
 * Usage: `node --import tsx packages/server/scripts/build.ts [outdir]` (default `packages/server/dist`). Run by
 * `npm run build`, and by `npm install`/`npm ci` through `prepare`.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writePgliteTemplate } from '../src/db/pglite-template.ts';
import { bundleScripts, SCRIPTS_DIR, STATIC_DIR } from '../src/web/static-files.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVER = join(ROOT, 'packages/server');

/** Every npm dependency of the workspace packages the gateway bundles: kept as imports, not bundled. */
async function npmDependencies(): Promise<string[]> {
  const names = new Set<string>();
  for (const pkg of ['server', 'catalog', 'contract', 'client']) {
    const manifest = JSON.parse(await readFile(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies ?? {}))
      if (!name.startsWith('@reelay/')) names.add(name);
  }
  return [...names].sort();
}

export async function buildServer(outdir: string): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const external = await npmDependencies();
  await build({
    entryPoints: [join(SERVER, 'src/main.ts')],
    outdir,
    // Modules loaded only for some configurations (the S3 driver, PostgreSQL) or while the database opens (the
    // HTTP application) are chunks of their own, imported when needed.
    splitting: true,
    // Chunks lie beside main.js, so `import.meta.url` names the same folder in each of them as in the sources'
    // modules that read files beside them (the migrations, the static files).
    chunkNames: '[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // A dependency's own subpaths (`@aws-sdk/client-s3`, `pg`'s) stay imports too.
    external: external.flatMap((name) => [name, `${name}/*`]),
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await cp(join(SERVER, 'src/db/migrations'), join(outdir, 'migrations'), { recursive: true });
  await cp(STATIC_DIR, join(outdir, 'static'), { recursive: true });
  for (const [name, body] of bundleScripts(SCRIPTS_DIR)) await writeFile(join(outdir, 'static', name), body);
  await writePgliteTemplate(outdir);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = resolve(process.argv[2] ?? join(SERVER, 'dist'));
  await buildServer(outdir);
  process.stdout.write(`built ${outdir}\n`);
}
