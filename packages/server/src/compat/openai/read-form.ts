import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import { ApiError } from '../../errors.ts';
import type { CoreAsset } from './openai-core.ts';

/** A request body as the OpenAI routes read it: JSON, or a form whose files are already stored. */
export interface ReadBody {
  /** Fields by name; a form's `name[]` parts become an array, `name[key]` parts an object. */
  fields: Record<string, unknown>;
  /** Stored files, in the order sent, by the form field that carried them (`image[]` reads as `image`). */
  files: { field: string; asset: CoreAsset }[];
  /** Whether it came as a form (its values are strings). */
  form: boolean;
}

const MAX_FILES = 20;

/** Adds one form value under its name, reading `a[]` as a list and `a[b]` as an object. */
function addField(fields: Record<string, unknown>, name: string, value: string): void {
  const nested = /^([^[\]]+)\[([^[\]]*)\]$/.exec(name);
  if (!nested) {
    fields[name] = value;
    return;
  }
  const [, base = '', key = ''] = nested;
  if (key === '') {
    const list = Array.isArray(fields[base]) ? (fields[base] as unknown[]) : [];
    list.push(value);
    fields[base] = list;
    return;
  }
  const existing = fields[base];
  const object =
    typeof existing === 'object' && existing !== null && !Array.isArray(existing)
      ? (existing as Record<string, unknown>)
      : {};
  object[key] = value;
  fields[base] = object;
}

/**
 * Reads a JSON body, or a `multipart/form-data` body as its fields and its files; each file is streamed into
 * storage by `store` as it arrives (never held in memory). When reading fails, the files stored so far are
 * handed to `discard`.
 */
export function readBody(
  headers: IncomingHttpHeaders,
  body: unknown,
  store: (file: Readable, declaredType: string | null) => Promise<CoreAsset>,
  discard: (asset: CoreAsset) => Promise<void>,
): Promise<ReadBody> {
  const type = String(headers['content-type'] ?? '');
  if (!/^multipart\/form-data\s*(;|$)/i.test(type)) {
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body)))
      return Promise.reject(new ApiError('invalid_request', 400, 'The body must be a JSON object.'));
    return Promise.resolve({ fields: (body ?? {}) as Record<string, unknown>, files: [], form: false });
  }
  return new Promise<ReadBody>((resolve, reject) => {
    const fields: Record<string, unknown> = {};
    const files: ReadBody['files'] = [];
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: headers as { 'content-type': string },
        limits: { files: MAX_FILES, fields: 100, fieldSize: 256 * 1024, parts: 120 },
      });
    } catch (error) {
      reject(new ApiError('invalid_request', 400, `The form cannot be read: ${(error as Error).message}.`));
      return;
    }
    const stream = body as Readable;
    let chain: Promise<void> = Promise.resolve();
    let failed = false;
    let sent = 0;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      stream.unpipe(parser);
      stream.resume();
      void chain
        .catch(() => undefined)
        .then(async () => {
          for (const f of files) if (f) await discard(f.asset);
          reject(error);
        });
    };
    parser.on('field', (name, value) => addField(fields, name, value));
    parser.on('file', (name, file, _filename, _encoding, mimeType) => {
      const declared = mimeType && mimeType !== 'application/octet-stream' ? mimeType : null;
      const field = name.replace(/\[\]$/, '');
      // Stored one at a time, in order; the parser waits for each stream to be read.
      const index = sent++;
      const stored = store(file, declared).then((asset) => {
        files[index] = { field, asset };
      });
      chain = chain.then(() => stored);
      stored.catch(fail);
    });
    parser.on('filesLimit', () =>
      fail(new ApiError('invalid_request', 400, `Send at most ${MAX_FILES} files.`, { param: 'image' })),
    );
    parser.on('error', (error: unknown) =>
      fail(new ApiError('invalid_request', 400, `The form cannot be read: ${(error as Error).message}.`)),
    );
    parser.on('finish', () => {
      chain.then(
        () => {
          if (!failed) resolve({ fields, files, form: true });
        },
        () => undefined,
      );
    });
    stream.on('error', fail);
    stream.pipe(parser);
  });
}
