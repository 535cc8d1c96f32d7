import { createHash } from 'node:crypto';
import { loadSharp } from '../../media/media-libraries.ts';
import { useShippedFont } from './render-font.ts';
import type { VideoSpec } from './render-spec.ts';

type Frame = Pick<VideoSpec, 'width' | 'height' | 'prompt' | 'label' | 'images'>;

const escapeXml = (s: string) =>
  s.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );

/** Greedy word wrap by an estimated glyph width; long words are cut. */
function wrap(text: string, maxChars: number, maxLines: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      let w = word;
      while ([...w].length > maxChars) {
        if (line) lines.push(line);
        lines.push([...w].slice(0, maxChars).join(''));
        w = [...w].slice(maxChars).join('');
        line = '';
      }
      if (!line) line = w;
      else if ([...`${line} ${w}`].length <= maxChars) line = `${line} ${w}`;
      else {
        lines.push(line);
        line = w;
      }
    }
    if (line) lines.push(line);
  }
  if (lines.length > maxLines) return [...lines.slice(0, maxLines - 1), `${lines[maxLines - 1]}…`];
  return lines;
}

/** Two colours derived from the prompt, so each prompt has its own deterministic look. */
function palette(prompt: string): [string, string] {
  const h = createHash('sha256').update(prompt).digest();
  const hue = ((h[0] ?? 0) * 360) / 256;
  return [`hsl(${hue.toFixed(0)}, 55%, 22%)`, `hsl(${((hue + 70) % 360).toFixed(0)}, 60%, 45%)`];
}

/** A full-frame transparent PNG with the prompt card and the renderer's label. */
export async function textOverlay(spec: Omit<Frame, 'images'>): Promise<Buffer> {
  const { width, height } = spec;
  const size = Math.round(Math.min(width, height) / 20);
  const maxChars = Math.max(8, Math.floor((width * 0.84) / (size * 0.56)));
  const lines = wrap(spec.prompt, maxChars, 8);
  const lineHeight = Math.round(size * 1.3);
  const boxHeight = lines.length * lineHeight + size;
  const top = Math.round(height * 0.62 - boxHeight / 2);
  const small = Math.round(size * 0.55);
  const tspans = lines
    .map(
      (l, i) =>
        `<text x="${width / 2}" y="${top + size * 0.5 + lineHeight * (i + 0.8)}">${escapeXml(l)}</text>`,
    )
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <rect x="${width * 0.05}" y="${top}" width="${width * 0.9}" height="${boxHeight}" rx="${size * 0.6}" fill="black" fill-opacity="0.55"/>
  <g font-family="DejaVu Sans, sans-serif" font-size="${size}" font-weight="bold" fill="white" text-anchor="middle">${tspans}</g>
  <text x="${width / 2}" y="${height - small * 1.6}" font-family="DejaVu Sans, sans-serif" font-size="${small}" fill="white" fill-opacity="0.8" text-anchor="middle">${escapeXml(spec.label)}</text>
</svg>`;
  useShippedFont();
  return (await loadSharp())(Buffer.from(svg)).png().toBuffer();
}

/**
 * The picture the camera pans across: the reference images side by side (each fitted without distortion)
 * or, without images, a gradient in the prompt's colours. 25% larger than the frame so it can move.
 */
export async function panCanvas(
  spec: Omit<Frame, 'label'>,
): Promise<{ png: Buffer; width: number; height: number }> {
  const { width, height } = spec;
  const sharp = await loadSharp();
  const [from, to] = palette(spec.prompt);
  const slotW = Math.round(width * 1.25);
  const canvasW = slotW * Math.max(1, spec.images.length);
  const canvasH = Math.round(height * 1.25);
  const background = `<svg xmlns="http://www.w3.org/2000/svg" width="${canvasW}" height="${canvasH}">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs>
  <rect width="100%" height="100%" fill="url(#g)"/>
  ${Array.from({ length: 12 }, (_, i) => `<circle cx="${((i * 0.37) % 1) * canvasW}" cy="${((i * 0.61) % 1) * canvasH}" r="${Math.min(width, height) * (0.05 + (i % 4) * 0.03)}" fill="white" fill-opacity="0.07"/>`).join('')}
</svg>`;
  const layers = await Promise.all(
    spec.images.map(async (path, i) => ({
      input: await sharp(path)
        .rotate()
        .resize(Math.round(slotW * 0.92), Math.round(canvasH * 0.92), { fit: 'inside' })
        .png()
        .toBuffer(),
      slot: i,
    })),
  );
  const composites = await Promise.all(
    layers.map(async ({ input, slot }) => {
      const meta = await sharp(input).metadata();
      return {
        input,
        left: slot * slotW + Math.round((slotW - (meta.width ?? 0)) / 2),
        top: Math.round((canvasH - (meta.height ?? 0)) / 2),
      };
    }),
  );
  const png = await sharp(Buffer.from(background)).composite(composites).png().toBuffer();
  return { png, width: canvasW, height: canvasH };
}
