import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { identifyMedia } from './identify-media.ts';

const FORMATS = ['png', 'jpeg', 'webp', 'gif'] as const;
/**
 * One side below the size whose pixels are kept while decoding, one above it (averaged as they are read); the
 * larger PNG is also over the size read into memory, so it is sniffed and probed from its file.
 */
const SIDES = [300, 1300];

describe('identifyMedia on images', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-identify-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const noise = (side: number, format: (typeof FORMATS)[number]) =>
    sharp({
      create: {
        width: side,
        height: side,
        channels: 3,
        background: '#000000',
        noise: { type: 'gaussian', mean: 128, sigma: 40 },
      },
    })
      .toFormat(format)
      .toBuffer();

  for (const format of FORMATS) {
    for (const side of SIDES) {
      it(`reads a whole ${side} px ${format}, and refuses it cut short at any point past its header`, async () => {
        const whole = await noise(side, format);
        const path = join(dir, `${format}-${side}`);
        await writeFile(path, whole);
        const facts = await identifyMedia(path, 'ffprobe');
        expect(facts).toMatchObject({
          kind: 'image',
          mediaType: `image/${format}`,
          width: side,
          height: side,
        });
        for (const kept of [0.5, 0.9, 0.99]) {
          // A path of its own: sharp keeps files it opened by path, so a rewritten path could be read from memory.
          const cut = join(dir, `${format}-${side}-${kept}`);
          await writeFile(cut, whole.subarray(0, Math.floor(whole.length * kept)));
          const refused = await identifyMedia(cut, 'ffprobe').then(
            () => null,
            (error: unknown) => error,
          );
          expect(refused, `${format} ${side} px cut at ${kept}`).toBeInstanceOf(ApiError);
          expect(refused).toMatchObject({ status: 415, code: 'unsupported_media_type' });
          expect((refused as Error).message).toMatch(
            new RegExp(`starts like image/${format} but cannot be read`),
          );
        }
      });
    }
  }
});
