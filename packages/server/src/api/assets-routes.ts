import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { assetJson } from '../assets/assets-service.ts';
import { ApiError } from '../errors.ts';
import { THUMBNAIL_MEDIA_TYPE } from '../media/thumbnail.ts';
import { SIDECAR_MEDIA_TYPE } from '../provenance/provenance-signer.ts';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';
import { withMultipartFile } from './multipart-file.ts';
import { sendContent } from './send-content.ts';

/** Upload (raw or multipart), read an asset's facts and bytes, delete it, and serve signed links. */
export function assetsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.register(async (scope) => {
    // Uploads: the body stays a stream, so a large video is never held in memory.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.post('/api/v1/assets', async (request, reply) => {
      const p = callerOf(request);
      const type = String(request.headers['content-type'] ?? '');
      if (!request.body)
        throw new ApiError('invalid_request', 400, 'The request has no body: send the file bytes.');
      const body = request.body as Readable;
      const multipart = /^multipart\/form-data\s*(;|$)/i.test(type);
      if (multipart && !/;\s*boundary=/i.test(type)) {
        throw new ApiError(
          'invalid_request',
          400,
          'Content-Type multipart/form-data needs its boundary parameter (multipart/form-data; boundary=…).',
          { param: 'Content-Type' },
        );
      }
      const asset = multipart
        ? await withMultipartFile(request.headers, body, (file, declaredType) =>
            deps.assets.upload(p, file, { declaredType }),
          )
        : await deps.assets.upload(p, body, { declaredType: type || null });
      return reply
        .status(201)
        .header('location', `/api/v1/assets/${asset.id}`)
        .send(assetJson(asset, deps.publicUrl));
    });
  });

  app.get<{ Params: { id: string } }>('/api/v1/assets/:id', async (request) =>
    assetJson(await deps.assets.get(callerOf(request), request.params.id), deps.publicUrl),
  );

  app.delete<{ Params: { id: string } }>('/api/v1/assets/:id', async (request, reply) => {
    await deps.assets.delete(callerOf(request), request.params.id);
    return reply.status(204).send();
  });

  app.get<{ Params: { id: string } }>('/api/v1/assets/:id/content', async (request, reply) => {
    const asset = await deps.assets.get(callerOf(request), request.params.id);
    return sendContent(
      reply,
      deps.assets,
      asset,
      request.headers.range,
      'private, max-age=31536000, immutable',
    );
  });

  // The sidecar C2PA manifest store of an output whose format cannot carry one (its `provenance.manifestUrl`).
  app.get<{ Params: { id: string } }>('/api/v1/assets/:id/manifest', async (request, reply) => {
    const asset = await deps.assets.get(callerOf(request), request.params.id);
    const manifest = await deps.assets.sidecarManifest(asset);
    return reply
      .header('content-type', SIDECAR_MEDIA_TYPE)
      .header('content-disposition', `attachment; filename="${asset.id}.c2pa"`)
      .header('cache-control', 'private, max-age=31536000, immutable')
      .send(manifest);
  });

  // Signed links: the signature is the credential, so no API key is asked for (outside /api/).
  app.get<{
    Params: { id: string };
    Querystring: { expires?: string; signature?: string; variant?: string };
  }>('/files/:id', async (request, reply) => {
    const { expires, signature, variant } = request.query;
    const asset = await deps.assets.fromSignedUrl(request.params.id, expires, signature, variant);
    if (variant === 'thumbnail') {
      // Made the first time it is asked for; served by the gateway on every driver (a few kilobytes), so pages that
      // allow only their own origin show it.
      const key = await deps.assets.thumbnailOf(asset);
      if (key === null)
        throw new ApiError('not_found', 404, `No thumbnail could be made of asset ${asset.id}.`);
      return reply
        .header('content-type', THUMBNAIL_MEDIA_TYPE)
        .header('cache-control', 'private, max-age=300')
        .header('x-content-type-options', 'nosniff')
        .send(await deps.assets.storage.read(key));
    }
    const presigned = await deps.assets.storage.presignedUrl(asset.storageKey, 300, asset.mediaType);
    if (presigned !== null) return reply.redirect(presigned, 302);
    return sendContent(reply, deps.assets, asset, request.headers.range, 'private, max-age=300');
  });
}
