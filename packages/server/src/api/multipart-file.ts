import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Busboy } from '@fastify/busboy';
import { ApiError } from '../errors.ts';

/**
 * Hands the one file part of a `multipart/form-data` body to `store` as a stream (never buffered), with its
 * declared Content-Type. Other fields are ignored; a body without a file part is a 400, a second file a 400.
 */
export function withMultipartFile<T>(
  headers: IncomingHttpHeaders,
  body: Readable,
  store: (file: Readable, declaredType: string | null) => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: headers as { 'content-type': string },
        limits: { files: 1, fields: 20, fieldSize: 64 * 1024, parts: 32 },
      });
    } catch (error) {
      reject(
        new ApiError(
          'invalid_request',
          400,
          `The multipart body cannot be read: ${(error as Error).message}.`,
        ),
      );
      return;
    }
    let stored: Promise<T> | null = null;
    const fail = (error: unknown) => {
      body.unpipe(parser);
      body.resume();
      reject(error);
    };
    parser.on('file', (_field, stream, _filename, _encoding, mimeType) => {
      if (stored !== null) {
        stream.resume();
        return;
      }
      const declared = mimeType && mimeType !== 'application/octet-stream' ? mimeType : null;
      stored = store(stream, declared);
      stored.then(resolve, fail);
    });
    parser.on('filesLimit', () =>
      fail(new ApiError('invalid_request', 400, 'Send exactly one file per upload.', { param: 'file' })),
    );
    parser.on('error', (error: unknown) =>
      fail(
        new ApiError(
          'invalid_request',
          400,
          `The multipart body cannot be read: ${(error as Error).message}.`,
        ),
      ),
    );
    parser.on('finish', () => {
      if (stored === null) {
        fail(new ApiError('invalid_request', 400, 'The multipart body has no file part.', { param: 'file' }));
      }
    });
    body.on('error', fail);
    body.pipe(parser);
  });
}
