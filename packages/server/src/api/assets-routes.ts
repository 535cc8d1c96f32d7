import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { assetJson } from '../assets/assets-service.ts';
import { ApiError } from '../errors.ts';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';

/** Upload raw bytes, read an asset's facts and its content. */
export function assetsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.register(async (scope) => {
    // Raw uploads: the body stays a stream, so a large video is never held in memory.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.post('/api/v1/assets', async (request, reply) => {
      const p = callerOf(request);
      const type = String(request.headers['content-type'] ?? '');
      if (type.startsWith('multipart/')) {
        throw new ApiError(
          'unsupported_media_type',
          415,
          'Send the file as the raw request body with its Content-Type (multipart is not accepted yet).',
        );
      }
      if (!request.body)
        throw new ApiError('invalid_request', 400, 'The request has no body: send the file bytes.');
      const asset = await deps.assets.upload(p.accountId, request.body as Readable);
      return reply
        .status(201)
        .header('location', `/api/v1/assets/${asset.id}`)
        .send(assetJson(asset, deps.publicUrl));
    });
  });

  app.get<{ Params: { id: string } }>('/api/v1/assets/:id', async (request) =>
    assetJson(await deps.assets.get(callerOf(request).accountId, request.params.id), deps.publicUrl),
  );

  app.get<{ Params: { id: string } }>('/api/v1/assets/:id/content', async (request, reply) => {
    const asset = await deps.assets.get(callerOf(request).accountId, request.params.id);
    return reply
      .header('content-type', asset.mediaType)
      .header('content-length', String(asset.bytes))
      .header('etag', `"${asset.sha256}"`)
      .header('cache-control', 'private, max-age=31536000, immutable')
      .send(deps.assets.storage.read(asset.storageKey));
  });
}
