import type { Json } from '@reelay/catalog';
import { REPLICATE_ALIASES } from './replicate-aliases.ts';
import { DEFAULT_WAIT_SECONDS } from './replicate-request.ts';

type Schema = Record<string, Json>;

/** The tag of the Replicate shape in `/openapi.json`. */
export const REPLICATE_TAG = {
  name: 'replicate',
  description:
    'Replicate’s predictions API at `/replicate/v1`, so the official `replicate` client works with ' +
    '`baseUrl` set to it: the same generations, tokens, assets and webhooks as the rest of the API. Model names ' +
    `are \`reelay/<model id>\` (Reelay’s input fields) or a Replicate name (${REPLICATE_ALIASES.map((a) => `\`${a.name}\``).join(', ')}) ` +
    'taking Replicate’s input fields. `Authorization: Bearer <key>` or `Token <key>`; errors are ' +
    '`{title, detail, status}` (problem+json), with `invalid_fields` on a 422.',
};

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const ok = (description: string, schema: Schema) => ({
  description,
  content: { 'application/json': { schema } },
});
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('ReplicateProblem') } },
});
const pathParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

/** The answers every Replicate route gives: a path spelled otherwise, a bad key, too many requests. */
const COMMON = {
  '400': problem('Malformed: the path, JSON, a header (`Prefer`, `Cancel-After`) or the form.'),
  '401': problem('No key, an unknown or revoked one, or a scheme other than `Bearer` or `Token`.'),
  '429': {
    ...problem('Too many requests for the key, or too many generations running.'),
    headers: { 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 1 } } },
  },
};
const NOT_FOUND = { '404': problem('No such prediction, file or model here.') };
/** What a POST with a body also answers. */
const POSTED = {
  '409': problem(
    'The `Idempotency-Key` was used with another request, or its first request is still running.',
  ),
  '413': problem('The body is larger than the gateway accepts.'),
};

const CREATE_HEADERS = [
  {
    name: 'Prefer',
    in: 'header',
    required: false,
    description: `\`wait\` (${DEFAULT_WAIT_SECONDS} s) or \`wait=N\` (1–60): hold the answer until the prediction ends or N seconds pass.`,
    schema: { type: 'string', examples: ['wait', 'wait=30'] },
  },
  {
    name: 'Cancel-After',
    in: 'header',
    required: false,
    description:
      'A deadline such as `90s`, `5m` or `1h30m` (at least 5 s): past it, a prediction not yet started ends ' +
      '`aborted`, a running one `canceled`; either way its tokens are released.',
    schema: { type: 'string', examples: ['5m'] },
  },
];

const CREATED = {
  '200': ok('Finished within the `Prefer: wait`.', ref('ReplicatePrediction')),
  '201': ok('Created; poll `urls.get`.', ref('ReplicatePrediction')),
  '402': problem('Not enough tokens, or a key budget spent.'),
  '422': problem('Input validation failed: every bad field in `invalid_fields`.'),
};

/** The operations of the Replicate shape, by path and method. */
export function replicatePaths(): Record<string, Record<string, Schema>> {
  const tags = [REPLICATE_TAG.name];
  return {
    '/replicate/v1/models/{owner}/{name}/predictions': {
      post: {
        operationId: 'replicateCreatePrediction',
        tags,
        summary: 'Create a prediction of a model',
        parameters: [
          pathParam('owner', 'The model owner.'),
          pathParam('name', 'The model name.'),
          ...CREATE_HEADERS,
        ],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: ref('ReplicatePredictionRequest') } },
        },
        responses: { ...CREATED, ...COMMON, ...NOT_FOUND, ...POSTED },
      },
    },
    '/replicate/v1/predictions': {
      post: {
        operationId: 'replicateCreatePredictionOfVersion',
        tags,
        summary: 'Create a prediction of a model version',
        parameters: CREATE_HEADERS,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                allOf: [
                  ref('ReplicatePredictionRequest'),
                  { type: 'object', required: ['version'], properties: { version: { type: 'string' } } },
                ],
              },
            },
          },
        },
        responses: { ...CREATED, ...COMMON, ...POSTED },
      },
      get: {
        operationId: 'replicateListPredictions',
        tags,
        summary: 'List predictions, newest first',
        description:
          'Every generation of the account, whichever API made it; `next` is the URL of the next page.',
        parameters: [
          {
            name: 'cursor',
            in: 'query',
            required: false,
            description: 'From a previous page’s `next`.',
            schema: { type: 'string' },
          },
        ],
        responses: { '200': ok('A page of predictions.', ref('ReplicatePredictionList')), ...COMMON },
      },
    },
    '/replicate/v1/predictions/{id}': {
      get: {
        operationId: 'replicateGetPrediction',
        tags,
        summary: 'Get a prediction',
        parameters: [pathParam('id', 'The prediction (generation) id.')],
        responses: { '200': ok('The prediction.', ref('ReplicatePrediction')), ...COMMON, ...NOT_FOUND },
      },
    },
    '/replicate/v1/predictions/{id}/cancel': {
      post: {
        operationId: 'replicateCancelPrediction',
        tags,
        summary: 'Cancel a prediction',
        description: 'Releases its tokens; a finished prediction is answered as it is.',
        parameters: [pathParam('id', 'The prediction (generation) id.')],
        responses: {
          '200': ok('The prediction.', ref('ReplicatePrediction')),
          ...COMMON,
          ...NOT_FOUND,
          ...POSTED,
        },
      },
    },
    '/replicate/v1/files': {
      post: {
        operationId: 'replicateCreateFile',
        tags,
        summary: 'Upload a file',
        description: 'Stored as an asset; its `urls.get` may be given as a prediction input.',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['content'],
                properties: {
                  content: { type: 'string', contentMediaType: 'application/octet-stream' },
                  metadata: { type: 'string', contentMediaType: 'application/json' },
                },
              },
            },
          },
        },
        responses: {
          '201': ok('The file.', ref('ReplicateFile')),
          '415': problem('Not a supported media file.'),
          ...COMMON,
          ...POSTED,
        },
      },
    },
    '/replicate/v1/files/{id}': {
      get: {
        operationId: 'replicateGetFile',
        tags,
        summary: 'Get a file',
        parameters: [pathParam('id', 'The file (asset) id.')],
        responses: { '200': ok('The file.', ref('ReplicateFile')), ...COMMON, ...NOT_FOUND },
      },
      delete: {
        operationId: 'replicateDeleteFile',
        tags,
        summary: 'Delete a file',
        description: 'Deletes the asset and its bytes.',
        parameters: [pathParam('id', 'The file (asset) id.')],
        responses: {
          '204': { description: 'Deleted.' },
          '409': problem('A queued or running generation still uses it.'),
          '413': problem('The body is larger than the gateway accepts.'),
          ...COMMON,
          ...NOT_FOUND,
        },
      },
    },
    '/replicate/v1/models/{owner}/{name}': {
      get: {
        operationId: 'replicateGetModel',
        tags,
        summary: 'Get a model with its input schema',
        parameters: [pathParam('owner', 'The model owner.'), pathParam('name', 'The model name.')],
        responses: { '200': ok('The model.', ref('ReplicateModel')), ...COMMON, ...NOT_FOUND },
      },
    },
    '/replicate/v1/webhooks/default/secret': {
      get: {
        operationId: 'replicateGetWebhookSecret',
        tags,
        summary: 'Get the webhook signing secret',
        description: 'The same Standard Webhooks secret as `GET /api/v1/webhooks/secret`.',
        responses: {
          '200': ok('The secret.', {
            type: 'object',
            required: ['key'],
            properties: { key: { type: 'string', pattern: '^whsec_' } },
          }),
          ...COMMON,
        },
      },
    },
  };
}

const nullableTime = { type: ['string', 'null'], format: 'date-time' };
const uri = { type: 'string', format: 'uri' };

/** The schemas the Replicate operations refer to. */
export function replicateSchemas(): Record<string, Schema> {
  return {
    ReplicatePredictionRequest: {
      type: 'object',
      required: ['input'],
      properties: {
        input: {
          type: 'object',
          description: 'The model’s inputs (see its `latest_version.openapi_schema`); files as URLs.',
        },
        webhook: { ...uri, description: 'Told of the prediction’s events, signed per Standard Webhooks.' },
        webhook_events_filter: {
          type: 'array',
          items: { type: 'string', enum: ['start', 'output', 'logs', 'completed'] },
          description: 'Which events are sent; default `output` and `completed`.',
        },
      },
    },
    ReplicatePrediction: {
      type: 'object',
      required: ['id', 'model', 'version', 'input', 'output', 'status', 'error', 'created_at', 'urls'],
      properties: {
        id: { type: 'string', description: 'The generation id.' },
        model: { type: 'string' },
        version: { type: 'string' },
        input: { type: 'object' },
        output: {
          description: 'Expiring signed link(s) to the outputs once succeeded.',
          oneOf: [{ type: 'null' }, uri, { type: 'array', items: uri }],
        },
        status: {
          type: 'string',
          enum: ['starting', 'processing', 'succeeded', 'failed', 'canceled', 'aborted'],
        },
        error: { type: ['string', 'null'] },
        logs: { type: 'string' },
        metrics: { type: 'object', properties: { predict_time: { type: 'number' } } },
        created_at: { type: 'string', format: 'date-time' },
        started_at: nullableTime,
        completed_at: nullableTime,
        urls: {
          type: 'object',
          required: ['get', 'cancel'],
          properties: { get: uri, cancel: uri },
        },
      },
    },
    ReplicatePredictionList: {
      type: 'object',
      required: ['results', 'next'],
      properties: {
        previous: { type: 'null' },
        next: { type: ['string', 'null'], format: 'uri' },
        results: { type: 'array', items: ref('ReplicatePrediction') },
      },
    },
    ReplicateFile: {
      type: 'object',
      required: ['id', 'name', 'content_type', 'size', 'urls'],
      properties: {
        id: { type: 'string', description: 'The asset id.' },
        name: { type: 'string' },
        content_type: { type: 'string' },
        size: { type: 'integer' },
        etag: { type: 'string' },
        checksums: { type: 'object', properties: { sha256: { type: 'string' } } },
        metadata: { type: 'object' },
        created_at: { type: 'string', format: 'date-time' },
        expires_at: { type: 'null' },
        urls: { type: 'object', required: ['get'], properties: { get: uri } },
      },
    },
    ReplicateModel: {
      type: 'object',
      required: ['owner', 'name', 'latest_version'],
      properties: {
        url: uri,
        owner: { type: 'string' },
        name: { type: 'string' },
        description: { type: 'string' },
        latest_version: {
          type: 'object',
          required: ['id', 'openapi_schema'],
          properties: {
            id: { type: 'string', pattern: '^[0-9a-f]{64}$' },
            openapi_schema: {
              type: 'object',
              description: 'An OpenAPI document whose `components.schemas.Input` is the model’s input.',
            },
          },
        },
      },
    },
    ReplicateProblem: {
      type: 'object',
      required: ['title', 'detail', 'status'],
      properties: {
        title: { type: 'string' },
        detail: { type: 'string' },
        status: { type: 'integer' },
        invalid_fields: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type', 'field', 'description'],
            properties: {
              type: { type: 'string' },
              field: { type: 'string', examples: ['input.duration'] },
              description: { type: 'string' },
            },
          },
        },
      },
    },
  };
}
