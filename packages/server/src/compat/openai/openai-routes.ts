import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../api/deps.ts';
import { imagesRoutes } from './images-routes.ts';
import { openAiCore } from './openai-core.ts';
import { installOpenAiErrors } from './openai-errors.ts';
import { videosRoutes } from './videos-routes.ts';

/** Where the OpenAI shape is served: `new OpenAI({ baseURL: '<gateway>/v1' })`. */
export const OPENAI_PREFIX = '/v1';

/**
 * The OpenAI-shaped API at `/v1` (videos and images), on Reelay's own generations, assets and ledger. Its routes
 * take the same API keys, Idempotency-Key and rate limits as `/api/v1`, and answer errors in OpenAI's envelope.
 */
export function openAiRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const core = openAiCore(deps);
  app.register(
    async (scope) => {
      installOpenAiErrors(scope);
      // Forms (input_reference, image[]) stay streams: their files go to storage as they arrive.
      scope.addContentTypeParser('multipart/form-data', (_request, payload, done) => done(null, payload));
      videosRoutes(scope, core);
      imagesRoutes(scope, core, deps.http.idleTimeoutMs);
    },
    { prefix: OPENAI_PREFIX },
  );
}
