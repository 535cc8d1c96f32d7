import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const LAYERS = fileURLToPath(new URL('./render-layers.ts', import.meta.url));

// Drawn in a process of its own, whose fontconfig knows no font at all, as on a machine without fonts.
const SCRIPT = `
import sharp from 'sharp';
const { textOverlay } = await import(${JSON.stringify(LAYERS)});
const png = await textOverlay({ width: 480, height: 270, prompt: 'WWW MMM WWW', label: 'reelay' });
const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
let white = 0;
for (let i = 0; i < data.length; i += 4) if (data[i] > 200 && data[i + 1] > 200 && data[i + 2] > 200 && data[i + 3] > 200) white++;
console.log(white);
`;

describe('the local renderer’s font', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-nofonts-'));
    await writeFile(join(dir, 'fonts.conf'), '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('draws the prompt with the DejaVu font shipped in npm, on a machine that has no font', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', SCRIPT],
      { env: { ...process.env, FONTCONFIG_FILE: join(dir, 'fonts.conf') } },
    );
    // DejaVu Sans Bold draws these letters with 641 white pixels; the empty boxes drawn without a font, 374.
    expect(Number(stdout.trim())).toBeGreaterThan(600);
  });
});
