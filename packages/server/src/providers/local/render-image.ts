import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { OverlayOptions } from 'sharp';
import { loadSharp } from '../../media/media-libraries.ts';
import { panCanvas, textOverlay } from './render-layers.ts';
import { type ImageSpec, outputOf } from './render-spec.ts';

/**
 * Renders an image spec to `<dir>/output.<ext>` with sharp alone: the reference images over a gradient in the
 * prompt's colours, the prompt card and the renderer's label, at exactly the requested size and format.
 */
export async function renderImage(spec: ImageSpec, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const sharp = await loadSharp();
  const [canvas, overlay, tiles] = await Promise.all([
    panCanvas({ ...spec, images: [] }),
    textOverlay(spec),
    grid(spec),
  ]);
  const background = await sharp(canvas.png)
    .extract({ left: 0, top: 0, width: spec.width, height: spec.height })
    .png()
    .toBuffer();
  const picture = sharp(background).composite([...tiles, { input: overlay }]);
  const encoded =
    spec.format === 'jpeg'
      ? picture.jpeg({ quality: 90 })
      : spec.format === 'webp'
        ? picture.webp({ quality: 90 })
        : picture.png();
  const final = join(dir, `output.${outputOf(spec).ext}`);
  await encoded.toFile(`${final}.partial`);
  await rename(`${final}.partial`, final);
  return final;
}

/** The reference images fitted into an even grid over the frame, without distortion. */
async function grid(spec: ImageSpec): Promise<OverlayOptions[]> {
  const n = spec.images.length;
  if (n === 0) return [];
  const sharp = await loadSharp();
  const cols = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const cellW = Math.floor(spec.width / cols);
  const cellH = Math.floor(spec.height / rows);
  return Promise.all(
    spec.images.map(async (path, i) => {
      const input = await sharp(path)
        .rotate()
        .resize(Math.floor(cellW * 0.94), Math.floor(cellH * 0.94), { fit: 'inside' })
        .png()
        .toBuffer();
      const meta = await sharp(input).metadata();
      return {
        input,
        left: (i % cols) * cellW + Math.round((cellW - (meta.width ?? 0)) / 2),
        top: Math.floor(i / cols) * cellH + Math.round((cellH - (meta.height ?? 0)) / 2),
      };
    }),
  );
}
