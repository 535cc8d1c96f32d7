import type { Readable } from 'node:stream';
import { findModel, models } from '@reelay/catalog';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { callerOf } from '../../api/authenticate.ts';
import { ApiError } from '../../errors.ts';
import { isFinal } from '../../generations/generation-events.ts';
import type { GenerationRecord } from '../../generations/generation-record.ts';
import type { Owner } from '../../key-mode.ts';
import { deprecationHeaders } from '../../lifecycle/lifecycles.ts';
import type { PredictionRecord, ReplicateStore } from '../../store/replicate-predictions.ts';
import type { ReplicateCore } from './replicate-core.ts';
import { PredictionDeadlines } from './replicate-deadlines.ts';
import { installReplicateErrors } from './replicate-errors.ts';
import { fileJson, readFileForm } from './replicate-files.ts';
import {
  inputSchemaOf,
  modelOfName,
  nameOfVersion,
  outputSchemaOf,
  predictionJson,
  REPLICATE_PREFIX,
  versionOf,
} from './replicate-prediction.ts';
import {
  cancelAfterMs,
  inReplicateTerms,
  parsePredictionBody,
  replicateWaitSeconds,
} from './replicate-request.ts';

export interface ReplicateRouteOptions {
  publicUrl: string;
  /** The connection's idle timeout, lifted while a `Prefer: wait` holds it. */
  idleTimeoutMs: number;
  /** How often predictions past their `Cancel-After` deadline are looked for. */
  deadlineSweepMs: number;
}

/** The auth schemes these routes take: `Bearer`, and the `Token` scheme older Replicate clients send. */
const KEY_SCHEMES = ['Bearer', 'Token'] as const;

const PAGE_SIZE = 100;

/**
 * Replicate's HTTP API at `/replicate/v1`, on Reelay's generations, ledger, assets and webhooks (through
 * {@link ReplicateCore}), so the official `replicate` client works by changing its base URL and token.
 */
export function replicateRoutes(
  app: FastifyInstance,
  core: ReplicateCore,
  store: ReplicateStore,
  options: ReplicateRouteOptions,
): void {
  const links = { publicUrl: options.publicUrl, signedUrl: (id: string) => core.signedUrl(id) };
  const show = (g: GenerationRecord, p: PredictionRecord | null) => predictionJson(g, p, links);
  const waiting = new Set<AbortController>();
  const deadlines = new PredictionDeadlines(core, store, options.deadlineSweepMs, app.log);
  app.addHook('onReady', async () => deadlines.start());
  app.addHook('preClose', async () => {
    for (const controller of waiting) controller.abort();
  });
  app.addHook('onClose', async () => deadlines.stop());

  app.register(
    async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...route.config, keySchemes: KEY_SCHEMES };
      });
      installReplicateErrors(scope);
      scope.setNotFoundHandler(() => {
        throw new ApiError('not_found', 404, 'No such route in the Replicate API here.');
      });

      async function createPrediction(request: FastifyRequest, reply: FastifyReply, name: string) {
        const principal = callerOf(request);
        const target = modelOfName(name);
        if (!target) throw new ApiError('not_found', 404, `There is no model ${name} here.`);
        const wait = replicateWaitSeconds(request.headers.prefer);
        const cancelAfter = cancelAfterMs(request.headers['cancel-after']);
        let parsed: ReturnType<typeof parsePredictionBody>;
        try {
          parsed = parsePredictionBody(request.body, name, target.model, options.publicUrl);
        } catch (error) {
          throw inReplicateTerms(error, name, request.body);
        }
        const id = core.newGenerationId();
        await store.insertPrediction({
          generationId: id,
          accountId: principal.accountId,
          modelName: name,
          input: parsed.input,
          webhook: parsed.webhook,
          webhookEvents: parsed.webhookEvents,
          cancelAt: cancelAfter === null ? null : new Date(Date.now() + cancelAfter),
        });
        let generation: GenerationRecord;
        try {
          ({ generation } = await core.create(principal, parsed.core, request.idempotencyKey, id));
        } catch (error) {
          await store.deletePrediction(id);
          throw inReplicateTerms(error, name, request.body);
        }
        if (generation.id !== id) await store.deletePrediction(id);
        deprecationHeaders(reply, core.deprecationOf(generation.model));
        const latest = wait === null ? generation : await awaitFinal(generation, wait, reply);
        if (wait !== null) reply.header('preference-applied', `wait=${wait}`);
        const p = await store.prediction(latest.id);
        return reply
          .status(isFinal(latest.status) && wait !== null ? 200 : 201)
          .header('location', `${REPLICATE_PREFIX}/predictions/${latest.id}`)
          .send(show(latest, p));
      }

      /** Holds the request (event-driven) up to `seconds` for the generation to end. */
      async function awaitFinal(g: GenerationRecord, seconds: number, reply: FastifyReply) {
        if (isFinal(g.status)) return g;
        const socket = reply.raw.socket;
        socket?.setTimeout(seconds * 1000 + options.idleTimeoutMs);
        const controller = new AbortController();
        waiting.add(controller);
        const onClose = () => controller.abort();
        reply.raw.once('close', onClose);
        try {
          return await core.awaitFinal(g, seconds * 1000, controller.signal);
        } finally {
          reply.raw.off('close', onClose);
          socket?.setTimeout(options.idleTimeoutMs);
          waiting.delete(controller);
        }
      }

      scope.post<{ Params: { owner: string; name: string } }>(
        '/models/:owner/:name/predictions',
        (request, reply) =>
          createPrediction(request, reply, `${request.params.owner}/${request.params.name}`),
      );

      scope.post('/predictions', (request, reply) => {
        const version = (request.body as { version?: unknown } | undefined)?.version;
        const name =
          typeof version === 'string'
            ? nameOfVersion(
                version.split(':').at(-1) ?? '',
                models.map((m) => m.id),
              )
            : null;
        if (name === null) {
          throw new ApiError('validation_failed', 422, 'version is not a version of a model served here.', {
            details: [
              {
                param: 'version',
                code: 'not_allowed',
                message:
                  'version must be the id of a model version served here (see GET /models/{owner}/{name}).',
              },
            ],
          });
        }
        return createPrediction(request, reply, name);
      });

      scope.get<{ Params: { id: string } }>('/predictions/:id', async (request) => {
        const g = await core.find(callerOf(request), request.params.id);
        if (!g) throw new ApiError('not_found', 404, `No prediction with id ${request.params.id}.`);
        return show(g, await store.prediction(g.id));
      });

      scope.post<{ Params: { id: string } }>('/predictions/:id/cancel', async (request) => {
        const owner = callerOf(request);
        const g = await core.find(owner, request.params.id);
        if (!g) throw new ApiError('not_found', 404, `No prediction with id ${request.params.id}.`);
        // Replicate answers a finished prediction as it is; so does this.
        const latest = isFinal(g.status) ? g : await cancelOrLatest(core, owner, g);
        return show(latest, await store.prediction(g.id));
      });

      scope.get<{ Querystring: { cursor?: string } }>('/predictions', async (request) => {
        const owner = callerOf(request);
        const cursor = typeof request.query.cursor === 'string' ? request.query.cursor : null;
        const page = await core.list(owner, { limit: PAGE_SIZE, cursor });
        const rows = await store.predictions(page.data.map((g) => g.id));
        return {
          previous: null,
          next:
            page.nextCursor === null
              ? null
              : `${options.publicUrl}${REPLICATE_PREFIX}/predictions?cursor=${encodeURIComponent(page.nextCursor)}`,
          results: page.data.map((g) => show(g, rows.get(g.id) ?? null)),
        };
      });

      scope.get<{ Params: { owner: string; name: string } }>('/models/:owner/:name', async (request) => {
        const name = `${request.params.owner}/${request.params.name}`;
        const target = modelOfName(name);
        const model = target ? findModel(target.model) : undefined;
        if (!target || !model) throw new ApiError('not_found', 404, `There is no model ${name} here.`);
        return {
          url: `${options.publicUrl}/models/${model.id}`,
          owner: request.params.owner,
          name: request.params.name,
          description: model.description.en,
          visibility: 'public',
          github_url: null,
          paper_url: null,
          license_url: null,
          run_count: 0,
          cover_image_url: null,
          default_example: null,
          latest_version: {
            id: versionOf(name),
            created_at: null,
            cog_version: null,
            openapi_schema: {
              openapi: '3.1.0',
              info: { title: name, version: versionOf(name) },
              paths: {},
              components: { schemas: { Input: inputSchemaOf(name), Output: outputSchemaOf(name) } },
            },
          },
        };
      });

      scope.get('/webhooks/default/secret', async (request) => ({
        key: await core.webhookSecret(callerOf(request)),
      }));

      scope.get<{ Params: { id: string } }>('/files/:id', async (request) => {
        const owner = callerOf(request);
        const asset = await core.asset(owner, request.params.id);
        const file = (await store.file(owner.accountId, asset.id)) ?? { name: asset.id, metadata: {} };
        return fileJson(asset, file, options.publicUrl);
      });

      scope.delete<{ Params: { id: string } }>('/files/:id', async (request, reply) => {
        await core.deleteAsset(callerOf(request), request.params.id);
        return reply.status(204).send();
      });

      scope.register(async (uploads) => {
        // The file streams into storage as it arrives; nothing is read ahead.
        uploads.removeAllContentTypeParsers();
        uploads.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
        uploads.post('/files', async (request, reply) => {
          const owner = callerOf(request);
          const type = String(request.headers['content-type'] ?? '');
          if (!/^multipart\/form-data\s*;\s*boundary=/i.test(type) || !request.body) {
            throw new ApiError(
              'invalid_request',
              400,
              'Send the file as multipart/form-data with the file in its "content" part.',
              { param: 'content' },
            );
          }
          const form = await readFileForm(request.headers, request.body as Readable, (file, declared) =>
            core.upload(owner, file, declared),
          );
          await store.insertFile(owner.accountId, {
            assetId: form.asset.id,
            name: form.name,
            metadata: form.metadata,
          });
          return reply.status(201).send(fileJson(form.asset, form, options.publicUrl));
        });
      });
    },
    { prefix: REPLICATE_PREFIX },
  );
}

/** Cancels; a generation that ended meanwhile (409) is answered as it now is. */
async function cancelOrLatest(core: ReplicateCore, owner: Owner, g: GenerationRecord) {
  try {
    return await core.cancel(owner, g.id);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) return (await core.find(owner, g.id)) ?? g;
    throw error;
  }
}
