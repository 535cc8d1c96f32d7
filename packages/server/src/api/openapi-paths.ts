import type { Json } from '@reelay/catalog';

type Schema = Record<string, Json>;
type Operation = Record<string, Json>;

/** A `$ref` to a schema component. */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
/** A JSON body of `schema`. */
export const json = (schema: Schema) => ({ 'application/json': { schema } });
/** A response with a JSON body. */
export const ok = (description: string, schema: Schema) => ({ description, content: json(schema) });
const errors = (...names: string[]) =>
  Object.fromEntries(names.map((n) => [ERROR_STATUS[n], { $ref: `#/components/responses/${n}` }]));

const ERROR_STATUS: Record<string, string> = {
  BadRequest: '400',
  Unauthorized: '401',
  Forbidden: '403',
  InsufficientTokens: '402',
  NotFound: '404',
  Conflict: '409',
  PayloadTooLarge: '413',
  UnsupportedMediaType: '415',
  ValidationFailed: '422',
  RateLimited: '429',
};

/** The error answers every operation refers to, by component name. */
export const ERROR_RESPONSES: Record<string, string> = {
  BadRequest: 'Malformed JSON, or a bad query parameter or header (named in `param`).',
  Unauthorized: 'No key, or a key that is unknown or revoked.',
  Forbidden: 'The key may not do this (a test key for live keys, a budgeted key managing keys).',
  InsufficientTokens:
    'Not enough tokens for the quote (`insufficient_tokens`), or a key budget spent (`budget_exceeded`).',
  NotFound: 'No such id for this account, or no such model.',
  Conflict: 'The Idempotency-Key was used with another request, or the generation has already finished.',
  PayloadTooLarge: 'The body is larger than the gateway accepts.',
  UnsupportedMediaType: 'Not JSON where JSON is expected, or not a supported media file.',
  ValidationFailed: 'Every bad field at once, in `details`.',
};

const pathId = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: `The ${what} id.`,
  schema: { type: 'string' },
});
const query = (name: string, description: string, schema: Schema) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const locale = query('locale', 'Language of descriptions and labels.', {
  type: 'string',
  enum: ['en', 'es', 'ru'],
});
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Same key and request within 24 h → the first answer again, with no second charge.',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};
const PUBLIC: Operation = { security: [] };

/** Every public operation, by path and method (the admin API is documented in the README). */
export function apiPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/v1/generations': {
      post: {
        operationId: 'createGeneration',
        tags: ['generations'],
        summary: 'Create a generation',
        description: 'Validates the input, holds the quoted tokens and queues the work.',
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json(ref('GenerationRequest')) },
        responses: {
          '202': ok('Queued.', ref('Generation')),
          ...errors(
            'BadRequest',
            'Unauthorized',
            'InsufficientTokens',
            'Conflict',
            'UnsupportedMediaType',
            'ValidationFailed',
            'RateLimited',
          ),
        },
      },
      get: {
        operationId: 'listGenerations',
        tags: ['generations'],
        summary: 'List generations, newest first',
        parameters: [
          query('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: 100, default: 20 }),
          query('cursor', 'The `nextCursor` of the previous page.', { type: 'string' }),
          query('status', 'Only this status.', {
            type: 'string',
            enum: ['queued', 'running', 'succeeded', 'failed', 'canceled'],
          }),
          query('model', 'Only this model.', { type: 'string' }),
        ],
        responses: {
          '200': ok('A page.', ref('GenerationPage')),
          ...errors('BadRequest', 'Unauthorized', 'RateLimited'),
        },
      },
    },
    '/api/v1/generations/{id}': {
      get: {
        operationId: 'getGeneration',
        tags: ['generations'],
        summary: 'Get a generation',
        parameters: [pathId('generation')],
        responses: {
          '200': ok('The generation.', ref('Generation')),
          ...errors('Unauthorized', 'NotFound', 'RateLimited'),
        },
      },
    },
    '/api/v1/generations/{id}/cancel': {
      post: {
        operationId: 'cancelGeneration',
        tags: ['generations'],
        summary: 'Cancel a queued or running generation',
        description: 'Its held tokens are released.',
        parameters: [pathId('generation'), idempotencyKey],
        responses: {
          '200': ok('Canceled.', ref('Generation')),
          ...errors('Unauthorized', 'NotFound', 'Conflict', 'RateLimited'),
        },
      },
    },
    '/api/v1/generations/{id}/events': {
      get: {
        operationId: 'streamGenerationEvents',
        tags: ['generations'],
        summary: 'Follow a generation as Server-Sent Events',
        description:
          'One event per status change or progress step (`data`: `{generationId, status, progress, createdAt}`); ' +
          'the final one also carries `generation` and ends the stream. Resume with `Last-Event-ID`.',
        parameters: [
          pathId('generation'),
          {
            name: 'Last-Event-ID',
            in: 'header',
            required: false,
            description: 'Resume after this event.',
            schema: { type: 'string' },
          },
          query('lastEventId', 'The same, for clients that cannot set headers.', { type: 'string' }),
        ],
        responses: {
          '200': {
            description: 'An event stream.',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...errors('BadRequest', 'Unauthorized', 'NotFound', 'RateLimited'),
        },
      },
    },
    '/api/v1/quotes': {
      post: {
        operationId: 'createQuote',
        tags: ['generations'],
        summary: 'Price a request without running it',
        parameters: [idempotencyKey],
        requestBody: { required: true, content: json(ref('GenerationRequest')) },
        responses: {
          '200': ok('The quote, with the mode, variant and normalised input.', ref('QuoteResult')),
          ...errors('BadRequest', 'Unauthorized', 'UnsupportedMediaType', 'ValidationFailed', 'RateLimited'),
        },
      },
    },
    '/api/v1/models': {
      get: {
        operationId: 'listModels',
        tags: ['models'],
        summary: 'List the catalog',
        ...PUBLIC,
        parameters: [
          query('type', 'Only models of this type.', { type: 'string', enum: ['video', 'image', 'audio'] }),
          query('capability', 'Only models with this mode, e.g. image_to_video.', { type: 'string' }),
          locale,
        ],
        responses: { '200': ok('The models.', ref('ModelList')), ...errors('BadRequest') },
      },
    },
    '/api/v1/models/{id}': {
      get: {
        operationId: 'getModel',
        tags: ['models'],
        summary: 'Get a model: fields, input schema, prices',
        ...PUBLIC,
        parameters: [pathId('model'), locale],
        responses: { '200': ok('The model.', ref('Model')), ...errors('BadRequest', 'NotFound') },
      },
    },
    '/api/v1/assets': {
      post: {
        operationId: 'uploadAsset',
        tags: ['assets'],
        summary: 'Upload a media file',
        description: 'Send the raw bytes as the body. The media type is decided from the bytes.',
        parameters: [idempotencyKey],
        requestBody: {
          required: true,
          content: {
            'image/*': { schema: { type: 'string', contentMediaType: 'image/*' } },
            'video/*': { schema: { type: 'string', contentMediaType: 'video/*' } },
            'audio/*': { schema: { type: 'string', contentMediaType: 'audio/*' } },
            'application/octet-stream': {
              schema: { type: 'string', contentMediaType: 'application/octet-stream' },
            },
          },
        },
        responses: {
          '201': ok('Stored.', ref('Asset')),
          ...errors('BadRequest', 'Unauthorized', 'PayloadTooLarge', 'UnsupportedMediaType', 'RateLimited'),
        },
      },
    },
    '/api/v1/assets/{id}': {
      get: {
        operationId: 'getAsset',
        tags: ['assets'],
        summary: 'Get an asset’s facts',
        parameters: [pathId('asset')],
        responses: {
          '200': ok('The asset.', ref('Asset')),
          ...errors('Unauthorized', 'NotFound', 'RateLimited'),
        },
      },
      delete: {
        operationId: 'deleteAsset',
        tags: ['assets'],
        summary: 'Delete an asset and its stored bytes',
        parameters: [pathId('asset')],
        responses: {
          '204': { description: 'Deleted.' },
          ...errors('Unauthorized', 'NotFound', 'Conflict', 'RateLimited'),
        },
      },
    },
    '/api/v1/assets/{id}/content': {
      get: {
        operationId: 'getAssetContent',
        tags: ['assets'],
        summary: 'Download an asset’s bytes',
        parameters: [
          pathId('asset'),
          {
            name: 'Range',
            in: 'header',
            required: false,
            description: 'One byte range, e.g. `bytes=0-1023`, so players can seek.',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            description: 'The bytes, with their media type.',
            content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
          },
          '206': {
            description: 'The range asked for.',
            content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
          },
          '416': ok('The range lies past the end.', ref('Error')),
          ...errors('Unauthorized', 'NotFound', 'RateLimited'),
        },
      },
    },
    '/api/v1/account': {
      get: {
        operationId: 'getAccount',
        tags: ['account'],
        summary: 'The key’s account and balance',
        responses: { '200': ok('The account.', ref('Account')), ...errors('Unauthorized', 'RateLimited') },
      },
    },
    '/api/v1/usage': {
      get: {
        operationId: 'getUsage',
        tags: ['account'],
        summary: 'Tokens spent, by model or by day',
        parameters: [
          query('from', 'Start (date or date-time); 30 days before `to` by default.', { type: 'string' }),
          query('to', 'End (date or date-time); now by default.', { type: 'string' }),
          query('groupBy', 'Grouping.', { type: 'string', enum: ['model', 'day'], default: 'model' }),
        ],
        responses: {
          '200': ok('The usage.', { type: 'object' }),
          ...errors('BadRequest', 'Unauthorized', 'RateLimited'),
        },
      },
    },
    '/api/v1/ledger': {
      get: {
        operationId: 'getLedger',
        tags: ['account'],
        summary: 'The account’s ledger, entry by entry',
        parameters: [
          query('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: 200, default: 50 }),
          query('cursor', 'The `nextCursor` of the previous page.', { type: 'string' }),
        ],
        responses: {
          '200': ok('A page of entries.', { type: 'object' }),
          ...errors('BadRequest', 'Unauthorized', 'RateLimited'),
        },
      },
    },
    '/api/v1/webhooks/secret': {
      get: {
        operationId: 'getWebhookSecret',
        tags: ['webhooks'],
        summary: 'The account’s webhook signing secret',
        parameters: [],
        responses: {
          '200': ok('The account’s webhook signing secret.', { type: 'object' }),
          ...errors('Unauthorized', 'RateLimited'),
        },
      },
    },
    '/api/v1/webhooks/secret/rotate': {
      post: {
        operationId: 'rotateWebhookSecret',
        tags: ['webhooks'],
        summary: 'Rotate the webhook signing secret',
        parameters: [idempotencyKey],
        responses: {
          '200': ok('Rotate the webhook signing secret.', { type: 'object' }),
          ...errors('Unauthorized', 'RateLimited'),
        },
      },
    },
    '/api/v1/webhooks/deliveries': {
      get: {
        operationId: 'listWebhookDeliveries',
        tags: ['webhooks'],
        summary: 'List webhook deliveries',
        parameters: [
          query('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: 100, default: 20 }),
          query('cursor', 'The `nextCursor` of the previous page.', { type: 'string' }),
          query('generationId', 'Only this generation’s.', { type: 'string' }),
          query('state', 'Only this state.', { type: 'string', enum: ['pending', 'succeeded', 'failed'] }),
        ],
        responses: {
          '200': ok('List webhook deliveries.', { type: 'object' }),
          ...errors('BadRequest', 'Unauthorized', 'RateLimited'),
        },
      },
    },
    '/api/v1/webhooks/deliveries/{id}': {
      get: {
        operationId: 'getWebhookDelivery',
        tags: ['webhooks'],
        summary: 'A webhook delivery with its attempts',
        parameters: [pathId('delivery')],
        responses: {
          '200': ok('A webhook delivery with its attempts.', { type: 'object' }),
          ...errors('Unauthorized', 'NotFound', 'RateLimited'),
        },
      },
    },
    '/api/v1/webhooks/deliveries/{id}/replay': {
      post: {
        operationId: 'replayWebhookDelivery',
        tags: ['webhooks'],
        summary: 'Send a webhook delivery again',
        parameters: [pathId('delivery'), idempotencyKey],
        responses: {
          '202': ok('Send a webhook delivery again.', { type: 'object' }),
          ...errors('Unauthorized', 'NotFound', 'RateLimited'),
        },
      },
    },
    '/api/v1/keys': {
      get: {
        operationId: 'listKeys',
        tags: ['account'],
        summary: 'The account’s API keys (never their secrets)',
        responses: {
          '200': ok('The keys; `current` marks the calling one.', { type: 'object' }),
          ...errors('Unauthorized', 'RateLimited'),
        },
      },
      post: {
        operationId: 'createKey',
        tags: ['account'],
        summary: 'Create an API key; its secret is shown only in this answer',
        parameters: [idempotencyKey],
        requestBody: {
          required: false,
          content: json({
            type: 'object',
            additionalProperties: false,
            properties: {
              mode: {
                type: 'string',
                enum: ['test', 'live'],
                description: 'The calling key’s mode by default.',
              },
              name: { type: 'string', maxLength: 200 },
              dailyTokens: { type: ['number', 'null'], minimum: 0, description: 'Budget per UTC day.' },
              monthlyTokens: { type: ['number', 'null'], minimum: 0, description: 'Budget per UTC month.' },
            },
          }),
        },
        responses: {
          '201': ok('The key, with `key` (the secret).', { type: 'object' }),
          ...errors('Unauthorized', 'Forbidden', 'ValidationFailed', 'RateLimited'),
        },
      },
    },
    '/api/v1/keys/{id}/revoke': {
      post: {
        operationId: 'revokeKey',
        tags: ['account'],
        summary: 'Revoke an API key; it stops working at once',
        parameters: [pathId('key'), idempotencyKey],
        responses: {
          '200': ok('The revoked key.', { type: 'object' }),
          ...errors('Unauthorized', 'Forbidden', 'NotFound', 'RateLimited'),
        },
      },
    },
    '/healthz': {
      get: {
        operationId: 'health',
        tags: ['operations'],
        summary: 'Liveness',
        ...PUBLIC,
        responses: { '200': ok('Alive.', { type: 'object' }) },
      },
    },
    '/readyz': {
      get: {
        operationId: 'ready',
        tags: ['operations'],
        summary: 'Readiness: the database answers',
        ...PUBLIC,
        responses: {
          '200': ok('Ready.', { type: 'object' }),
          '503': ok('The database does not answer.', { type: 'object' }),
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        tags: ['operations'],
        summary: 'This document',
        ...PUBLIC,
        responses: { '200': ok('OpenAPI 3.1.', { type: 'object' }) },
      },
    },
    '/docs': {
      get: {
        operationId: 'docs',
        tags: ['operations'],
        summary: 'The API reference as a web page',
        ...PUBLIC,
        responses: {
          '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } },
        },
      },
    },
  };
}
