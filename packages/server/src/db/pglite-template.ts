import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { packageRoot } from '../package-root.ts';

/**
 * A new PGlite database starts from a template: the data folder of an empty cluster, made once by the build
 * (`initdb` run in WebAssembly takes seconds; unpacking its result a fraction of that). The template is named by the
 * PGlite version that made it, so an upgraded PGlite never loads another version's files; without one (sources not
 * built), a database is made the slow way.
 */

/** The template's file name for the installed PGlite. */
export const templateName = (): string =>
  `pglite-template-${packageRoot('@electric-sql/pglite').manifest.version}.tgz`;

/**
 * Where the template is looked for: beside the production bundle (`dist/main.js`), or, running from the sources,
 * in the build folder `packages/server/dist/`.
 */
const CANDIDATE_DIRS = [new URL('./', import.meta.url), new URL('../../dist/', import.meta.url)].map((u) =>
  fileURLToPath(u),
);

/** The template of an empty cluster for the installed PGlite, or null when none was built. */
export async function pgliteTemplate(): Promise<Blob | null> {
  const name = templateName();
  for (const dir of CANDIDATE_DIRS) {
    const path = join(dir, name);
    if (existsSync(path)) return new Blob([new Uint8Array(await readFile(path))]);
  }
  return null;
}

/** Makes the template (an empty cluster, dumped gzipped) into `dir`; returns its path. */
export async function writePgliteTemplate(dir: string): Promise<string> {
  const pg = await PGlite.create();
  try {
    const dump = await pg.dumpDataDir('gzip');
    const path = join(dir, templateName());
    await writeFile(path, new Uint8Array(await dump.arrayBuffer()));
    return path;
  } finally {
    await pg.close();
  }
}
