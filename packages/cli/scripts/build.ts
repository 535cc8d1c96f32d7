/**
 * The published shape of the CLI: `packages/cli/dist/`, one ES module and `.d.ts` per source file; `main.js` is
 * the `reelay` bin. It imports the SDK as `@reelay/client/node`, so it is checked against the SDK's built
 * declarations (`packages/client/dist`, built first by `npm run build`) as an installed CLI sees them.
 *
 * Usage: `node --import tsx packages/cli/scripts/build.ts`; run by the root `npm run build` and by `npm pack`.
 */
import { chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitPackage } from '../../client/scripts/emit-package.ts';

const PACKAGE = fileURLToPath(new URL('../', import.meta.url));

export function buildCli(): void {
  emitPackage({ packageDir: PACKAGE });
  chmodSync(join(PACKAGE, 'dist/main.js'), 0o755);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildCli();
  process.stdout.write(`built ${resolve(PACKAGE, 'dist')}\n`);
}
