import type { FastifyInstance } from 'fastify';
import { ApiError, notFound } from '../errors.ts';
import type { GenerationsService } from '../generations/generations-service.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { UpstreamError } from '../providers/upstream/upstream-error.ts';

/**
 * The largest callback body read. Upstreams send a status and result links (a few KB; a prediction with long
 * logs some tens of KB); callbacks are only hints, so one cut off costs a poll, never a result.
 */
export const MAX_CALLBACK_BYTES = 64 * 1024;

/**
 * `POST /callbacks/:provider`: where upstreams report progress. The provider checks the request (its
 * signature where it signs them) and names the work; the generation's job is then made due, and the
 * worker asks the upstream itself. Outside /api/: no API key, the body is read raw for signatures.
 */
export function callbackRoutes(
  app: FastifyInstance,
  deps: { generations: GenerationsService; providers: ProviderRegistry },
): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    // Before a byte of the body is read: only a configured provider that takes callbacks has a receiver.
    scope.addHook('onRequest', async (request) => {
      const { provider } = request.params as { provider: string };
      if (!deps.providers.find(provider)?.parseCallback) throw notFound('callback receiver', provider);
    });
    scope.post<{ Params: { provider: string } }>(
      '/callbacks/:provider',
      { bodyLimit: MAX_CALLBACK_BYTES },
      async (request, reply) => {
        const provider = deps.providers.find(request.params.provider);
        if (!provider?.parseCallback) throw notFound('callback receiver', request.params.provider);
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(request.headers)) {
          headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
        }
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        let upstreamId: string;
        try {
          ({ upstreamId } = await provider.parseCallback({ headers, body }));
        } catch (error) {
          if (!(error instanceof UpstreamError)) throw error;
          if (error.kind === 'auth') throw new ApiError('unauthorized', 401, error.message);
          throw new ApiError('invalid_request', 400, error.message);
        }
        const woken = await deps.generations.wakeOnCallback(provider.id, upstreamId);
        return reply.status(200).send({ received: true, matched: woken });
      },
    );
  });
}
