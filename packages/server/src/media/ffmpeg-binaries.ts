import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';

function onPath(name: string, searchPath: string): string | null {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}

function shipped(pkg: '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe'): string | null {
  try {
    return (createRequire(import.meta.url)(pkg) as { path: string }).path;
  } catch {
    return null;
  }
}

function find(name: 'ffmpeg' | 'ffprobe', explicit: string | null, searchPath: string): string {
  if (explicit) return explicit;
  const found =
    onPath(name, searchPath) ??
    shipped(name === 'ffmpeg' ? '@ffmpeg-installer/ffmpeg' : '@ffprobe-installer/ffprobe');
  if (!found)
    throw new Error(
      `${name} was not found on PATH nor in node_modules; install it or set REELAY_${name.toUpperCase()}_PATH`,
    );
  return found;
}

/** The ffmpeg to run: the configured one, else the system's on `searchPath` (PATH), else the one shipped with npm. */
export const findFfmpeg = (explicit: string | null, searchPath: string): string =>
  find('ffmpeg', explicit, searchPath);

/** The ffprobe to run, found the same way as ffmpeg. */
export const findFfprobe = (explicit: string | null, searchPath: string): string =>
  find('ffprobe', explicit, searchPath);
