import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

let done = false;

/**
 * Points fontconfig, which sharp uses to draw SVG text, at the DejaVu fonts shipped in the `dejavu-fonts-ttf`
 * npm package and at nothing else, so the renderer's text looks the same on every machine, one without any
 * system font included. Runs once, before the first text is drawn (fontconfig reads its file on first use).
 */
export function useShippedFont(): void {
  if (done) return;
  done = true;
  const fonts = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const folder = join(
    tmpdir(),
    `reelay-fontconfig-${createHash('sha256').update(fonts).digest('hex').slice(0, 12)}`,
  );
  const file = join(folder, 'fonts.conf');
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    file,
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${fonts}</dir>\n  <cachedir>${join(folder, 'cache')}</cachedir>\n</fontconfig>\n`,
  );
  process.env.FONTCONFIG_FILE = file;
}
