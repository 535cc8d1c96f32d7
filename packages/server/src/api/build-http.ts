import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import Fastify, {
  type FastifyInstance,
  type FastifySchemaCompiler,
  type FastifySerializerCompiler,
} from 'fastify';
import { openAiRoutes } from '../compat/openai/openai-routes.ts';
import { replicateCoreOf } from '../compat/replicate/replicate-core.ts';
import { replicateRoutes } from '../compat/replicate/replicate-routes.ts';
import { ApiError } from '../errors.ts';
import { newId } from '../ids.ts';
import { logStream } from '../observability/log-stream.ts';
import { webRoutes } from '../web/web-routes.ts';
import { accountRoutes } from './account-routes.ts';
import { adminRoutes } from './admin-routes.ts';
import { assetsRoutes } from './assets-routes.ts';
import { auditRoutes } from './audit-routes.ts';
import { bearerOf, requireAdmin, requireMetricsToken } from './authenticate.ts';
import { callbackRoutes } from './callback-routes.ts';
import type { ApiDeps } from './deps.ts';
import { answerClientError, answerUnroutable, installErrorHandler } from './error-handler.ts';
import { eventsRoutes } from './events-routes.ts';
import { generationsRoutes } from './generations-routes.ts';
import { healthRoutes } from './health-routes.ts';
import { installIdempotency } from './idempotency.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.ts';
import { keysRoutes } from './keys-routes.ts';
import { requestForLog, responseForLog } from './log-redaction.ts';
import { metricsRoutes } from './metrics-routes.ts';
import { modelsRoutes } from './models-routes.ts';
import { openApiRoutes } from './openapi-routes.ts';
import { OneLinePerRequest } from './request-log.ts';
import { assertCanonicalPath, classifyRoutes } from './route-access.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { refuseNulCharacters } from './text-in-body.ts';
import { usageRoutes } from './usage-routes.ts';
import { webhooksRoutes } from './webhooks-routes.ts';

/** Where and how much the HTTP application logs (a stream is for tests that read the log). */
export interface HttpLogOptions {
  level: string;
  /** Where lines go (standard output when unset); every line is scrubbed of secrets on its way there. */
  stream?: NodeJS.WritableStream;
  /** `pretty`: a readable line for a terminal (observability/log-stream.ts); `json` (default): one JSON line. */
  format?: 'json' | 'pretty';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's trace id when tracing is on (its log line and error answers carry it), else null. */
    traceId: string | null;
  }
}

/** A route part's validator as Fastify calls it. */
type Validator = ReturnType<FastifySchemaCompiler<unknown>>;
/** What Fastify hands a compiler factory: the shared schemas and its `ajv` (or serializer) option. */
type FactoryArgs = [externalSchemas: unknown, options: unknown];
/** A compiler factory as `@fastify/ajv-compiler` and `@fastify/fast-json-stringify-compiler` export it. */
type CompilerPackage<C> = () => (...args: FactoryArgs) => C;

/** A package Fastify depends on, found from Fastify as Fastify finds it. */
const fromFastify = <T>(name: string): T =>
  createRequire(createRequire(import.meta.url).resolve('fastify'))(name) as T;

/**
 * Fastify's own validator factory (`@fastify/ajv-compiler`, the one it uses when given none), wrapped so that ajv
 * is loaded, set up with the `ajv` option and given a route's schema only when that route is first called. Only
 * the admin and key routes have schemas; compiling them all as the gateway started cost it a fifth of a second
 * before it could answer. A validator behaves exactly as Fastify's: the same ajv, the same options, its `errors`
 * read from the compiled function after every call.
 */
function lazyValidators(...factoryArgs: FactoryArgs): FastifySchemaCompiler<unknown> {
  let compiler: FastifySchemaCompiler<unknown> | undefined;
  return (routeSchema) => {
    let validate: Validator | undefined;
    const lazy: Validator = (data: unknown) => {
      compiler ??= fromFastify<CompilerPackage<FastifySchemaCompiler<unknown>>>('@fastify/ajv-compiler')()(
        ...factoryArgs,
      );
      validate ??= compiler(routeSchema);
      const result = validate(data);
      lazy.errors = validate.errors ?? null;
      return result;
    };
    return lazy;
  };
}

/** The same for response serializers (`@fastify/fast-json-stringify-compiler`), built on a route's first answer. */
function lazySerializers(...factoryArgs: FactoryArgs): FastifySerializerCompiler<unknown> {
  let compiler: FastifySerializerCompiler<unknown> | undefined;
  return (routeSchema) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data) => {
      compiler ??= fromFastify<CompilerPackage<FastifySerializerCompiler<unknown>>>(
        '@fastify/fast-json-stringify-compiler',
      )()(...factoryArgs);
      serialize ??= compiler(routeSchema);
      return serialize(data);
    };
  };
}

/** The HTTP application: routes, the auth hook and the one error handler. */
export function buildHttp(deps: ApiDeps, logger: boolean | HttpLogOptions): FastifyInstance {
  const tracing = deps.tracing;
  const app = Fastify({
    logger:
      logger === false
        ? false
        : {
            level: logger === true ? 'info' : logger.level,
            stream: logStream({
              out: (logger !== true && logger.stream) || process.stdout,
              pretty: logger !== true && logger.format === 'pretty',
              secrets: deps.logSecrets,
            }),
            serializers: {
              req: requestForLog,
              res: responseForLog as (reply: unknown) => { statusCode: number },
            },
          },
    // One line per request, written when it is answered, instead of Fastify's two.
    logController: new OneLinePerRequest(),
    bodyLimit: deps.maxJsonBytes,
    // A request must be complete within requestTimeout, and a connection on which nothing moves is closed
    // after connectionTimeout (a body that stalls mid-way); long waits (SSE, Prefer: wait) lift it themselves.
    requestTimeout: deps.http.requestTimeoutMs,
    connectionTimeout: deps.http.idleTimeoutMs,
    keepAliveTimeout: deps.http.keepAliveTimeoutMs,
    genReqId: () => newId('req'),
    requestIdHeader: false,
    frameworkErrors: answerUnroutable,
    clientErrorHandler: answerClientError,
    // Route schemas (the admin API) are checked strictly: no coercion, no silent removal, every error at once.
    ajv: {
      customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true, useDefaults: false },
    },
    schemaController: {
      compilersFactory: {
        buildValidator: lazyValidators as never,
        buildSerializer: lazySerializers as never,
      },
    },
  });
  // JSON only: a text/plain body is refused (415) rather than read as a string.
  app.removeContentTypeParser('text/plain');
  // An empty JSON body (an action such as cancel sent with a JSON Content-Type) is no body; anything else
  // goes to Fastify's own parser, which refuses prototype poisoning.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') done(null, undefined);
    else if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(
        new ApiError(
          'invalid_json',
          400,
          `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep.`,
          { param: 'body' },
        ),
        undefined,
      );
    } else parseJson(request, text, done);
  });
  app.server.headersTimeout = Math.min(deps.http.headersTimeoutMs, deps.http.requestTimeoutMs);
  if (tracing.enabled) {
    // Each request is handled inside a span of its own, so everything it does (its statements, the create and its
    // errors) is a child of it: Fastify's request handler is called from within the span.
    const handlers = app.server.listeners('request') as ((
      req: IncomingMessage,
      res: ServerResponse,
    ) => void)[];
    app.server.removeAllListeners('request');
    app.server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      tracing.serveRequest(req.method ?? 'GET', res, () => {
        for (const handle of handlers) handle(req, res);
      }),
    );
  }
  classifyRoutes(app);
  app.decorateRequest('principal', null);
  app.decorateRequest('traceId', null);
  if (tracing.enabled) {
    app.addHook('onRequest', async (request) => {
      const route = request.routeOptions.url ?? 'unmatched';
      tracing.nameCurrent(`${request.method} ${route}`, { 'http.route': route });
      request.traceId = tracing.traceId();
    });
  }
  // Each answer is counted (in memory only) under its matched route's pattern.
  if (deps.metricsScrape !== null) {
    app.addHook('onResponse', (request, reply, done) => {
      deps.metrics.httpRequest(
        request.method,
        request.routeOptions.url ?? 'unmatched',
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', String(request.id));
    // Decided on the route the router matched, never on the URL as sent; another spelling of a route is refused.
    assertCanonicalPath(request);
    const access = request.routeOptions.config.access;
    if (access === 'metrics') {
      requireMetricsToken(request, deps.metricsToken);
      return;
    }
    if (access === 'admin') {
      requireAdmin(request, deps.adminKey);
      request.isAdmin = true;
      return;
    }
    if (access !== 'key') return;
    // One round trip: the key is looked up, the request counted against its rate and its use recorded.
    const { principal, refusal } = await deps.authenticator.admit(
      bearerOf(request, request.routeOptions.config.keySchemes),
    );
    if (!principal) throw new ApiError('unauthorized', 401, 'This API key is not valid or has been revoked.');
    request.principal = principal;
    if (refusal) throw refusal;
  });
  installSecurityHeaders(app);
  refuseNulCharacters(app);
  installIdempotency(app, deps.idempotency, deps.idempotencyLeaseMs);
  installErrorHandler(app);
  healthRoutes(app, deps);
  metricsRoutes(app, deps);
  modelsRoutes(app, deps);
  openApiRoutes(app, deps);
  generationsRoutes(app, deps);
  eventsRoutes(app, deps);
  webhooksRoutes(app, deps);
  assetsRoutes(app, deps);
  accountRoutes(app, deps);
  usageRoutes(app, deps);
  keysRoutes(app, deps);
  webRoutes(app, deps);
  adminRoutes(app, deps);
  auditRoutes(app, deps);
  callbackRoutes(app, deps);
  openAiRoutes(app, deps);
  replicateRoutes(app, replicateCoreOf(deps), deps.replicatePredictions, {
    publicUrl: deps.publicUrl,
    idleTimeoutMs: deps.http.idleTimeoutMs,
    deadlineSweepMs: 1000,
  });
  return app;
}
