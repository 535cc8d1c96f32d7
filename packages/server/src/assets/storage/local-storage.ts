import { copyFile, mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  type ByteRange,
  checkStorageKey,
  type Storage,
  StorageKeyMissing,
  type StoredKey,
} from '../storage.ts';

/** Keeps assets as files under one root folder (the default driver). */
export class LocalStorage implements Storage {
  readonly driver = 'local';
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, checkStorageKey(key));
    if (!path.startsWith(this.root + sep)) throw new Error(`storage key escapes the root: ${key}`);
    return path;
  }

  async putFile(key: string, sourcePath: string): Promise<void> {
    const target = this.pathOf(key);
    try {
      // The account's folder is made the first time a rename finds it missing, not before every file.
      await rename(sourcePath, target).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        await mkdir(dirname(target), { recursive: true });
        await rename(sourcePath, target);
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
      await mkdir(dirname(target), { recursive: true });
      // Another file system: copy beside the target, then rename, so a reader never sees half a file.
      const partial = `${target}.partial`;
      await copyFile(sourcePath, partial);
      await rename(partial, target);
      await rm(sourcePath, { force: true });
    }
    // A renamed file keeps the time it was written (a render may have finished long before it is stored); its age
    // counts from now, so the orphan sweep never takes a file stored a moment ago for an old one.
    const now = new Date();
    await utimes(target, now, now);
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const handle = await open(this.pathOf(key), 'r');
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StorageKeyMissing(key);
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async localFile(key: string): Promise<string> {
    if (!(await this.exists(key))) throw new StorageKeyMissing(key);
    return this.pathOf(key);
  }

  async presignedUrl(): Promise<null> {
    return null;
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  incomingDir(): string {
    return join(this.root, '.incoming');
  }

  /** Files under the root, except folders whose name starts with a dot (`.incoming`) and unfinished copies. */
  async *list(): AsyncIterable<StoredKey> {
    const walk = async function* (root: string, dir: string): AsyncGenerator<StoredKey> {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) yield* walk(root, path);
        else if (entry.isFile() && !entry.name.endsWith('.partial')) {
          const info = await stat(path).catch(() => null);
          if (info) yield { key: relative(root, path).split(sep).join('/'), modifiedMs: info.mtimeMs };
        }
      }
    };
    yield* walk(this.root, this.root);
  }
}
