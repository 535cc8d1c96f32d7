import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The manifest of an installed package. */
export interface PackageManifest {
  name: string;
  version: string;
}

/**
 * The folder an installed npm package lives in, found from its entry point: packages whose `exports` name no
 * `package.json` cannot be resolved to it directly. The folder is the nearest one above the entry point whose
 * `package.json` bears the package's name (nested `package.json` files, such as a `build/cjs` type marker, are
 * passed over).
 */
export function packageRoot(name: string): { dir: string; manifest: PackageManifest } {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as Partial<PackageManifest>;
      if (manifest.name === name) return { dir, manifest: { name, version: manifest.version ?? '' } };
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`${name}: no package.json of that name above its entry point`);
    dir = up;
  }
}
