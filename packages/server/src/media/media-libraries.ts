import type * as FileType from 'file-type';
import type Sharp from 'sharp';

/**
 * sharp (libvips, a native library) and file-type, loaded on first use: a gateway needs them only once a file
 * comes in or an image is drawn, and loading them at start cost the embedded default a tenth of a second and
 * memory before any of that. Each is loaded once; the functions hand back the same module every time.
 */
let sharpModule: Promise<typeof Sharp> | undefined;
let fileTypeModule: Promise<typeof FileType> | undefined;

/**
 * sharp's default export, with its operation cache off: the gateway never reads the same file twice (every
 * stored file has a new path), so the cache only held up to 50 MB of decoded images for nothing, and it answered
 * for a path from memory even when the file there had changed.
 */
export function loadSharp(): Promise<typeof Sharp> {
  sharpModule ??= import('sharp').then((m) => {
    m.default.cache(false);
    return m.default;
  });
  return sharpModule;
}

/** file-type's module (`fileTypeFromFile`, `fileTypeFromBuffer`). */
export function loadFileType(): Promise<typeof FileType> {
  fileTypeModule ??= import('file-type');
  return fileTypeModule;
}
