import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createBrotliDecompress } from 'node:zlib';
import { packageRoot } from '../src/package-root.ts';

/** Debian's Chromium, used when it is there. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Where the Chromium shipped in the `@sparticuz/chromium` package is unpacked, once per checkout. */
const CACHE = fileURLToPath(new URL('../../../node_modules/.cache/reelay-test/chromium/', import.meta.url));

export interface ChromiumBinary {
  executablePath: string;
  /** Extra environment the binary needs (its own shared libraries), empty for a system Chromium. */
  env: Record<string, string>;
  source: 'CHROMIUM_PATH' | 'system' | 'npm package';
}

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` when set, else Debian's, else the build that ships
 * brotli-compressed inside the `@sparticuz/chromium` npm package, unpacked into node_modules/.cache with the
 * libraries it needs beside it. So the browser tests run on a machine that has only Node and npm.
 * `TEST_ONLY_NPM=1` passes over Debian's Chromium, as on a machine that has none.
 */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumBinary> {
  const named = env.CHROMIUM_PATH;
  if (named) {
    if (!existsSync(named)) throw new Error(`CHROMIUM_PATH=${named}: no such file`);
    return { executablePath: named, env: {}, source: 'CHROMIUM_PATH' };
  }
  if (!env.TEST_ONLY_NPM && existsSync(SYSTEM_CHROMIUM))
    return { executablePath: SYSTEM_CHROMIUM, env: {}, source: 'system' };
  return unpackBundledChromium();
}

async function unpackBundledChromium(): Promise<ChromiumBinary> {
  const executablePath = join(CACHE, 'chromium');
  const libraries = join(CACHE, 'lib');
  const done = join(CACHE, '.complete');
  if (!existsSync(done)) {
    const bin = join(packageRoot('@sparticuz/chromium').dir, 'bin');
    await rm(CACHE, { recursive: true, force: true });
    await mkdir(CACHE, { recursive: true });
    await pipeline(
      createReadStream(join(bin, 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(`${executablePath}.partial`),
    );
    await chmod(`${executablePath}.partial`, 0o755);
    await rename(`${executablePath}.partial`, executablePath);
    // The NSS libraries (al2023, into lib/), the fonts the build brings and its software GL (swiftshader).
    for (const [archive, into] of [
      ['al2023.tar.br', CACHE],
      ['fonts.tar.br', join(CACHE, 'fonts')],
      ['swiftshader.tar.br', libraries],
    ] as const) {
      const tar = join(CACHE, archive.replace(/\.br$/, ''));
      await pipeline(createReadStream(join(bin, archive)), createBrotliDecompress(), createWriteStream(tar));
      await mkdir(into, { recursive: true });
      await promisify(execFile)('tar', ['-xf', tar, '-C', into]);
      await rm(tar);
    }
    // The archive's fonts.conf names serverless folders; this one names the unpacked fonts.
    await writeFile(
      join(CACHE, 'fonts', 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(CACHE, 'fonts', 'fonts')}</dir>\n  <cachedir>${join(CACHE, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
    );
    await writeFile(done, '');
  }
  return {
    executablePath,
    env: {
      LD_LIBRARY_PATH: [libraries, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
      FONTCONFIG_FILE: join(CACHE, 'fonts', 'fonts.conf'),
    },
    source: 'npm package',
  };
}
