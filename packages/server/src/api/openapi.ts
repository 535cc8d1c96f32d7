import type { Json, ModelEntry, ModelLifecycle } from '@reelay/catalog';
import { OPENAI_TAG, openAiPaths, openAiSchemas } from '../compat/openai/openai-openapi.ts';
import { REPLICATE_TAG, replicatePaths, replicateSchemas } from '../compat/replicate/replicate-openapi.ts';
import { modelSchemas } from './openapi-models.ts';
import {
  apiPaths,
  ERROR_RESPONSES,
  ERROR_STATUS,
  errors,
  idempotencyKey,
  json,
  ok,
  ref,
} from './openapi-paths.ts';
import { referencedSchemas, sharedSchemas } from './openapi-schemas.ts';
import { accessOfPattern } from './route-access.ts';

type Schema = Record<string, Json>;

/** The methods whose body the gateway reads (Fastify's), so a body too large is a 413 on any of them. */
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

const isObject = (v: Json | undefined): v is Schema =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An operation with what every route of its access class answers (`route-access.ts`, the one place that decides
 * who may call a route): the 400 of a path not written as its route, 401 and 429 with a key, 401 and 403 on the
 * admin API, 413 where a body is read; and on a POST that takes a key, the `Idempotency-Key` it honours, the 409
 * of a key reused, and the `Idempotent-Replayed` header of its answers. Its security follows the access too.
 */
function completeOperation(path: string, method: string, op: Schema): Schema {
  const access = accessOfPattern(path.replace(/\{(\w+)\}/g, ':$1'));
  const answers = isObject(op.responses) ? op.responses : {};
  const wanted = [
    'BadRequest',
    ...(access === 'key' ? ['Unauthorized', 'RateLimited'] : []),
    ...(access === 'admin' ? ['AdminUnauthorized', 'AdminOff'] : []),
    ...(BODY_METHODS.has(method) ? ['PayloadTooLarge'] : []),
  ];
  const idempotent = method === 'post' && (access === 'key' || access === 'admin');
  if (idempotent) wanted.push('Conflict');
  const added = errors(...wanted.filter((name) => !((ERROR_STATUS[name] ?? '') in answers)));
  let responses: Schema = { ...answers, ...added };
  const parameters = Array.isArray(op.parameters) ? [...op.parameters] : [];
  if (idempotent) {
    if (!parameters.some((p) => isObject(p) && p.name === idempotencyKey.name))
      parameters.push(idempotencyKey);
    responses = Object.fromEntries(
      Object.entries(responses).map(([status, answer]) =>
        isObject(answer) && !('$ref' in answer) && status.startsWith('2')
          ? [
              status,
              {
                ...answer,
                headers: {
                  ...(isObject(answer.headers) ? answer.headers : {}),
                  'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' },
                },
              },
            ]
          : [status, answer],
      ),
    );
  }
  // Status keys are integer-like, so the object lists them in numeric order whatever order they were added in.
  const out: Schema = { ...op, responses };
  if (parameters.length > 0) out.parameters = parameters;
  // Key routes keep the document's default security (the API key).
  if (access !== 'key') {
    out.security =
      access === 'admin' ? [{ adminKey: [] }] : access === 'metrics' ? [{ metricsToken: [] }] : [];
  }
  return out;
}

const HEADERS: Record<string, Json> = {
  IdempotentReplayed: {
    description: '`true` when this is the kept answer of an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', const: 'true' },
  },
};

function responses(): Record<string, Json> {
  const out: Record<string, Json> = Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([name, description]) => [name, ok(description, ref('Error'))]),
  );
  out.RateLimited = {
    description: 'Too many requests for the key, or too many generations running; retry after the header.',
    headers: {
      'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 1 } },
    },
    content: json(ref('Error')),
  };
  return out;
}

/**
 * The OpenAPI 3.1 document of the public API, built from the catalog at hand: each model's input schema is a
 * named component, and the generation request a `oneOf` with one shape per model.
 */
export function openApiDocument(options: {
  models: readonly ModelEntry[];
  publicUrl: string;
  /** Whether the gateway serves `METHOD path` (fastify syntax); operations it does not serve are left out. */
  serves?: (method: string, path: string) => boolean;
  /** Each model's lifecycle: a deprecated or retired model's request is marked `deprecated`. Unset: the catalog's. */
  lifecycleOf?: (model: ModelEntry) => ModelLifecycle;
}): Schema {
  const serves = options.serves ?? (() => true);
  const paths = Object.entries({ ...apiPaths(), ...openAiPaths(), ...replicatePaths() }).flatMap(
    ([path, ops]) => {
      const served = Object.entries(ops)
        .filter(([method]) => serves(method.toUpperCase(), path.replace(/\{(\w+)\}/g, ':$1')))
        .map(([method, op]) => [method, completeOperation(path, method, op)] as const);
      return served.length > 0 ? [[path, Object.fromEntries(served)]] : [];
    },
  );
  // What the gateway sends to a generation's `webhookUrl`: the body is the contract's WebhookPayload.
  const webhooks: Schema = {
    generationEvent: {
      post: {
        operationId: 'generationWebhook',
        tags: ['webhooks'],
        summary: 'A generation changed state (sent to its webhookUrl)',
        description:
          'Signed with the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and ' +
          'the account’s secret; retried with backoff until the receiver answers 2xx.',
        security: [],
        requestBody: { required: true, content: json(ref('WebhookPayload')) },
        responses: {
          '204': { description: 'Received; any 2xx ends the retries.' },
          '400': { description: 'Refused; the delivery is retried, then marked failed.' },
        },
      },
    },
  };
  const used = JSON.stringify(paths);
  // Only the error answers some served operation refers to (a linter rightly flags unused ones).
  const answers = Object.fromEntries(
    Object.entries(responses()).filter(([name]) => used.includes(`"#/components/responses/${name}"`)),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Reelay API',
      version: '1.0.0',
      description:
        'One request shape — `{type, model, input}` — for every video and image model of the catalog ' +
        '(`type: audio` is part of the shape; the catalog has no audio model yet). ' +
        'JSON in and out; a Bearer API key in `Authorization` (the admin API takes the operator’s admin key ' +
        'instead; signed file links and upstream callbacks take none).',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.publicUrl }],
    security: [{ apiKey: [] }],
    tags: [
      { name: 'generations', description: 'Create, follow and cancel generations; price them first.' },
      { name: 'models', description: 'The catalog: fields, schemas and prices. No key needed.' },
      { name: 'assets', description: 'Media in and out.' },
      { name: 'account', description: 'Balance, usage and ledger.' },
      {
        name: 'webhooks',
        description: 'Signed notifications of state changes: the secret and the deliveries.',
      },
      { name: 'admin', description: 'The operator’s API: accounts, their limits, keys and token grants.' },
      { name: 'callbacks', description: 'Where upstream providers report progress (hints, never results).' },
      { name: 'operations', description: 'Health, readiness and this reference.' },
      OPENAI_TAG,
      REPLICATE_TAG,
    ],
    paths: Object.fromEntries(paths),
    webhooks,
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `rl_test_…` or `rl_live_…`.' },
        adminKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'The operator’s admin key, the value of `REELAY_ADMIN_KEY`.',
        },
        ...(paths.some(([path]) => path === '/metrics')
          ? {
              metricsToken: {
                type: 'http',
                scheme: 'bearer',
                description: 'The operator’s metrics token, the value of `REELAY_METRICS_TOKEN`.',
              },
            }
          : {}),
      },
      headers: Object.fromEntries(
        Object.entries(HEADERS).filter(([name]) => used.includes(`"#/components/headers/${name}"`)),
      ),
      responses: answers,
      schemas: {
        ...referencedSchemas({ ...sharedSchemas(), ...openAiSchemas(), ...replicateSchemas() }, [
          paths,
          answers,
          webhooks,
        ]),
        ...modelSchemas(options.models, options.lifecycleOf),
      },
    },
  };
}
