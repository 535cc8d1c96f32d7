import type { Json } from '@reelay/catalog';
import { MAX_CALLBACK_BYTES } from './callback-routes.ts';
import { MAX_WAIT_SECONDS } from './prefer-wait.ts';

type Schema = Record<string, Json>;
type Operation = Record<string, Json>;

/** A `$ref` to a schema component. */
export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
/** A JSON body of `schema`. */
export const json = (schema: Schema) => ({ 'application/json': { schema } });
/** A response with a JSON body. */
export const ok = (description: string, schema: Schema) => ({ description, content: json(schema) });
/** The status and `$ref` of an error answer component, by name. */
export const errors = (...names: string[]) =>
  Object.fromEntries(names.map((n) => [ERROR_STATUS[n], { $ref: `#/components/responses/${n}` }]));

export const ERROR_STATUS: Record<string, string> = {
  BadRequest: '400',
  Unauthorized: '401',
  AdminUnauthorized: '401',
  Forbidden: '403',
  AdminOff: '403',
  InsufficientTokens: '402',
  NotFound: '404',
  Conflict: '409',
  Gone: '410',
  PayloadTooLarge: '413',
  UnsupportedMediaType: '415',
  ValidationFailed: '422',
  RateLimited: '429',
};

/** The error answers operations refer to, by component name. */
export const ERROR_RESPONSES: Record<string, string> = {
  BadRequest:
    'The path is not written as the route is (percent-encoded letters or slashes, dot segments, doubled or ' +
    'trailing slashes, `;` parameters), or the JSON, a query parameter or a header such as `Idempotency-Key` ' +
    'is malformed (named in `param`).',
  Unauthorized: 'No key, or a key that is unknown or revoked.',
  AdminUnauthorized: 'No Bearer key, or not the admin key.',
  Forbidden:
    'The key may not do this (a test key for live keys, a budgeted or allowlisted key managing keys), or its ' +
    'allowlist excludes the model (`model_not_allowed`) or every provider the model runs on (`provider_not_allowed`).',
  AdminOff: 'The admin API is off: the gateway was started without `REELAY_ADMIN_KEY`.',
  InsufficientTokens:
    'Not enough tokens for the quote (`insufficient_tokens`), or a key budget spent (`budget_exceeded`).',
  NotFound: 'No such id (another account’s ids are as unknown as missing ones), or no such model.',
  Conflict:
    'The Idempotency-Key was used with another request, or its first request is still running; or the ' +
    'state forbids it (a finished generation, an asset a running generation uses).',
  Gone:
    'The asset’s bytes are no longer stored: deleted with its generation (`asset_deleted`) or past its ' +
    '`expiresAt` (`asset_expired`). Its row, and `GET /api/v1/assets/{id}`, say when.',
  PayloadTooLarge:
    'The body is larger than the gateway accepts: `REELAY_MAX_JSON_BYTES` (40 MB by default) for JSON, ' +
    '`REELAY_MAX_UPLOAD_BYTES` or the limit of its kind for an upload.',
  UnsupportedMediaType: 'Not JSON where JSON is expected, or not a supported media file.',
  ValidationFailed: 'Every bad field at once, in `details`.',
};

/** A key's `defaultRetention`, as create and change take it. */
const DEFAULT_RETENTION: Schema = {
  description:
    "Default retention of what the key's requests store when a request sends no `retention`: whole seconds or an ISO-8601 duration (`P7D`, `PT12H`), from 60 seconds to 365 days; `null`: the server's setting.",
  anyOf: [
    { type: 'integer', minimum: 60, maximum: 31_536_000 },
    { type: 'string', maxLength: 40 },
    { type: 'null' },
  ],
};

/** A key's `budgetAlertThresholds`, as create and change take them. */
const BUDGET_ALERT_THRESHOLDS: Schema = {
  description:
    'The percentages of its daily and monthly budgets at which a `key.budget_threshold` alert is raised, once per threshold and period: at most 10 unique whole percentages from 1 to 100 (`[]`: none); `null` or absent at create: `[80, 100]`.',
  anyOf: [
    {
      type: 'array',
      maxItems: 10,
      uniqueItems: true,
      items: { type: 'integer', minimum: 1, maximum: 100 },
      examples: [[50, 80, 100]],
    },
    { type: 'null' },
  ],
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
/** The `Idempotency-Key` request header, which every POST that takes a key (API or admin) honours. */
export const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Same key and request within 24 h → the first answer again (with `Idempotent-Replayed: true`), with no ' +
    'second charge; the same key with another request is a `409`. 1 to 255 printable ASCII characters.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
};
const header = (description: string, schema: Schema = { type: 'string' }) => ({ description, schema });
const LOCATION = header('The path of what was created.', {
  type: 'string',
  examples: ['/api/v1/generations/gen_5t6y7u8i9o'],
});
const PREFERENCE_APPLIED = header('`wait=N`, echoing a `Prefer: wait=N` that was honoured.', {
  type: 'string',
  examples: ['wait=30'],
});
const bytes = (description: string) => ({
  description,
  content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
});
const rangeHeader = {
  name: 'Range',
  in: 'header',
  required: false,
  description: 'One byte range, e.g. `bytes=0-1023`, so players can seek.',
  schema: { type: 'string' },
};
const limit = (description: string) => ({
  type: ['integer', 'null'],
  minimum: 1,
  maximum: 10_000_000,
  description: `${description} \`null\`: the gateway default.`,
});
const budget = (description: string) => ({
  type: ['number', 'null'],
  minimum: 0,
  maximum: 1e12,
  description,
});
const MODE = { type: 'string', enum: ['test', 'live'] };
const ALERT_URL = {
  type: ['string', 'null'],
  maxLength: 2048,
  description:
    'Where the account’s alerts are sent as webhooks (`account.balance_low`, `key.budget_threshold`, signed with the secret of the alert’s environment); `null`: nowhere.',
};
const LOW_BALANCE = budget(
  'A balance (test or live) falling below it raises an `account.balance_low` alert; `null`: none.',
);
const ALLOWLISTS = {
  allowedModels: {
    type: ['array', 'null'],
    maxItems: 100,
    items: { type: 'string' },
    description: 'The only models the key may create generations of (catalog ids); `null`: any.',
  },
  allowedProviders: {
    type: ['array', 'null'],
    maxItems: 100,
    items: { type: 'string' },
    description:
      'The only providers its live generations may run on (e.g. `kling`, `fal`, `replicate`, `local`); `null`: any of the model’s route. Test keys always run on the local renderer.',
  },
};
/** A body the admin API checks against its schema: a wrong or unknown field is a 422 naming it. */
const adminBody = (properties: Record<string, Json>, required: string[] = []) => ({
  required: true,
  content: json({ type: 'object', additionalProperties: false, required, properties }),
});

/**
 * Every operation the gateway serves besides its web pages, by path and method. What every route of an access
 * class answers (the 400 of a path spelled otherwise, 401 and 429 for key routes, 401 and 403 for the admin API,
 * 413 where a body is read), its security and the `Idempotency-Key` of POSTs are added by `openapi.ts` from
 * `route-access.ts`, so they are not repeated here.
 */
export function apiPaths(): Record<string, Record<string, Operation>> {
  return {
    '/api/v1/generations': {
      post: {
        operationId: 'createGeneration',
        tags: ['generations'],
        summary: 'Create a generation',
        description:
          'Validates the input, holds the quoted tokens and queues the work. With `Prefer: wait=N` the answer ' +
          'waits up to N seconds for the generation to finish. A request no enabled provider can run with this ' +
          "gateway's configuration (a field, or a file it cannot receive) is a 422 `unsupported_input` naming " +
          'the field, before any token is held.',
        parameters: [
          {
            name: 'Prefer',
            in: 'header',
            required: false,
            description:
              `\`wait=N\` (N a whole number of seconds from 1 to ${MAX_WAIT_SECONDS}, RFC 7240): answer \`200\` ` +
              'with the generation as soon as it has finished, or the usual `202` after N seconds. Other ' +
              'preferences are ignored; a wait out of range is a `400` naming `Prefer`.',
            schema: { type: 'string', examples: ['wait=30'] },
          },
        ],
        requestBody: { required: true, content: json(ref('GenerationRequest')) },
        responses: {
          '200': {
            description:
              'Asked to wait (`Prefer: wait=N`), and the generation finished (succeeded, failed or canceled) in time.',
            headers: { Location: LOCATION, 'Preference-Applied': PREFERENCE_APPLIED },
            content: json(ref('Generation')),
          },
          '202': {
            description: 'Queued; or, asked to wait, still queued or running when the wait ended.',
            headers: {
              Location: LOCATION,
              'Preference-Applied': header('`wait=N` when a `Prefer: wait=N` was asked for.', {
                type: 'string',
                examples: ['wait=30'],
              }),
            },
            content: json(ref('Generation')),
          },
          ...errors(
            'InsufficientTokens',
            'Forbidden',
            'Conflict',
            'UnsupportedMediaType',
            'ValidationFailed',
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
          ...errors('NotFound'),
        },
      },
      delete: {
        operationId: 'deleteGeneration',
        tags: ['generations'],
        summary: "Delete a finished generation's media",
        description:
          "Deletes the bytes of its outputs and of the input assets it alone used (an input another generation names, or another generation's output, is kept). The generation and the asset rows stay, marked `deleted` (`mediaDeletedAt`, each output's `status`; downloads answer 410), and the ledger is untouched. A queued or running generation, or one still settling with its upstream, is a 409 `generation_active`; one whose output a queued or running generation uses is a 409 `asset_in_use`. Deleting again answers the same.",
        parameters: [pathId('generation')],
        responses: {
          '200': ok('Its media is deleted.', ref('Generation')),
          ...errors('NotFound', 'Conflict'),
        },
      },
    },
    '/api/v1/generations/{id}/cancel': {
      post: {
        operationId: 'cancelGeneration',
        tags: ['generations'],
        summary: 'Cancel a queued or running generation',
        description:
          'It becomes `canceled` at once. When no upstream may be working on it, its held tokens are released. Otherwise they stay held while it shows `reconciling` (`cancel_requested`): the upstream is sent its cancel where it has one, and the tokens are released if the work stopped or failed, or charged (outputs kept, `error.message` says why) if the upstream had already finished.',
        parameters: [pathId('generation')],
        responses: {
          '200': ok('Canceled.', ref('Generation')),
          ...errors('NotFound', 'Conflict'),
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
          ...errors('NotFound'),
        },
      },
    },
    '/api/v1/quotes': {
      post: {
        operationId: 'createQuote',
        tags: ['generations'],
        summary: 'Price a request without running it',
        requestBody: { required: true, content: json(ref('GenerationRequest')) },
        responses: {
          '200': ok('The quote, with the mode, variant and normalised input.', ref('QuoteResult')),
          ...errors('UnsupportedMediaType', 'ValidationFailed'),
        },
      },
    },
    '/api/v1/models': {
      get: {
        operationId: 'listModels',
        tags: ['models'],
        summary: 'List the catalog',
        parameters: [
          query('type', 'Only models of this type.', { type: 'string', enum: ['video', 'image', 'audio'] }),
          query('capability', 'Only models with this mode, e.g. image_to_video.', { type: 'string' }),
          locale,
        ],
        responses: { '200': ok('The models.', ref('ModelList')) },
      },
    },
    '/api/v1/models/{id}': {
      get: {
        operationId: 'getModel',
        tags: ['models'],
        summary: 'Get a model: fields, input schema, prices',
        parameters: [pathId('model'), locale],
        responses: { '200': ok('The model.', ref('Model')), ...errors('NotFound') },
      },
    },
    '/api/v1/assets': {
      post: {
        operationId: 'uploadAsset',
        tags: ['assets'],
        summary: 'Upload a media file',
        description: 'Send the raw bytes as the body. The media type is decided from the bytes.',
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
          '201': {
            description: 'Stored.',
            headers: {
              Location: header('The path of the new asset.', {
                type: 'string',
                examples: ['/api/v1/assets/asset_8f7d6s5a4'],
              }),
            },
            content: json(ref('Asset')),
          },
          ...errors('PayloadTooLarge', 'UnsupportedMediaType'),
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
          ...errors('NotFound'),
        },
      },
      delete: {
        operationId: 'deleteAsset',
        tags: ['assets'],
        summary: 'Delete an asset and its stored bytes',
        parameters: [pathId('asset')],
        responses: {
          '204': { description: 'Deleted.' },
          ...errors('NotFound', 'Conflict'),
        },
      },
    },
    '/api/v1/assets/{id}/content': {
      get: {
        operationId: 'getAssetContent',
        tags: ['assets'],
        summary: 'Download an asset’s bytes',
        parameters: [pathId('asset'), rangeHeader],
        responses: {
          '200': bytes('The bytes, with their media type.'),
          '206': bytes('The range asked for.'),
          '416': ok('The range lies past the end.', ref('Error')),
          ...errors('NotFound', 'Gone'),
        },
      },
    },
    '/api/v1/assets/{id}/manifest': {
      get: {
        operationId: 'getAssetManifest',
        tags: ['assets'],
        summary: 'Download the sidecar C2PA manifest of an output',
        description:
          'For an output whose `provenance.state` is `sidecar` (MP4 and other formats the gateway cannot write a ' +
          'manifest into): the C2PA manifest store (`application/c2pa`), bound to the unchanged file by a data hash ' +
          'over all its bytes. A `signed` output carries its manifest in the file itself, and answers 404 here.',
        parameters: [pathId('asset')],
        responses: {
          '200': bytes('The C2PA manifest store (JUMBF), `application/c2pa`.'),
          ...errors('NotFound', 'Gone'),
        },
      },
    },
    '/files/{id}': {
      get: {
        operationId: 'getSignedFile',
        tags: ['assets'],
        summary: 'Download an asset’s bytes through a signed link, with no key',
        description:
          'The `url` of an output or asset. The signature is the credential, so no `Authorization` is needed; ' +
          'the link works until `expires`.',
        parameters: [
          pathId('asset'),
          {
            name: 'expires',
            in: 'query',
            required: true,
            description: 'When the link stops working, in Unix seconds.',
            schema: { type: 'string', pattern: '^[0-9]{1,12}$' },
          },
          {
            name: 'signature',
            in: 'query',
            required: true,
            description:
              'HMAC-SHA256 of the id, `expires` and `variant` with the gateway’s secret, base64url.',
            schema: { type: 'string' },
          },
          {
            name: 'variant',
            in: 'query',
            required: false,
            description:
              '`thumbnail`: the output’s thumbnail (`image/webp`) rather than its file, made the first time it is ' +
              'asked for. Part of what is signed, so it cannot be added to or removed from a link.',
            schema: { type: 'string', enum: ['thumbnail'] },
          },
          rangeHeader,
        ],
        responses: {
          '200': bytes('The bytes, with their media type.'),
          '206': bytes('The range asked for.'),
          '302': {
            description: 'On S3 storage: the bytes are at a short-lived presigned URL.',
            headers: { Location: header('The presigned URL.', { type: 'string', format: 'uri' }) },
          },
          '403': ok('The link has expired, or its signature does not match.', ref('Error')),
          '404': ok(
            'No such asset, its bytes are no longer stored, or it has no thumbnail (audio, or a file no picture could be made of).',
            ref('Error'),
          ),
          ...errors('Gone'),
          '416': ok('The range lies past the end.', ref('Error')),
        },
      },
    },
    '/api/v1/account': {
      get: {
        operationId: 'getAccount',
        tags: ['account'],
        summary: 'The key’s account and balance',
        responses: { '200': ok('The account.', ref('Account')) },
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
          '200': ok('The usage.', ref('Usage')),
        },
      },
    },
    '/api/v1/alerts': {
      get: {
        operationId: 'listAlerts',
        tags: ['account'],
        summary: 'The environment’s alerts: low balance, key budget thresholds',
        description:
          '`account.balance_low` when a balance falls below the account’s `lowBalanceTokens` (once per crossing), ' +
          '`key.budget_threshold` when a key’s spend reaches 80 % and 100 % of its daily or monthly budget (once ' +
          'per threshold and period). Each is decided in the transaction of the balance change that crosses it.',
        parameters: [
          query('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: 200, default: 50 }),
          query('cursor', 'The `nextCursor` of the previous page.', { type: 'string' }),
        ],
        responses: { '200': ok('A page of alerts.', ref('AlertPage')) },
      },
    },
    '/api/v1/usage/export': {
      get: {
        operationId: 'exportUsage',
        tags: ['account'],
        summary: 'Tokens charged in a period, grouped, as JSON or CSV',
        description:
          'Summed from the ledger’s charges (capture entries) of the key’s environment, so the groups and the total ' +
          'equal the ledger exactly. A bad parameter is a 400 naming it.',
        parameters: [
          query('from', 'Start (date or date-time); 30 days before `to` by default.', { type: 'string' }),
          query('to', 'End (date or date-time, exclusive); now by default.', { type: 'string' }),
          query(
            'groupBy',
            'Dimensions, comma-separated, each once, in column order: `day`, `model`, `key`, `provider`.',
            {
              type: 'string',
              default: 'day',
              examples: ['day,model', 'key,provider'],
            },
          ),
          query('format', '`json`, or `csv` (a header row, then one row per group; RFC 4180 quoting).', {
            type: 'string',
            enum: ['json', 'csv'],
            default: 'json',
          }),
        ],
        responses: {
          '200': {
            description: 'The groups and their total (JSON), or the groups as CSV.',
            content: {
              ...json(ref('UsageExport')),
              'text/csv': {
                schema: {
                  type: 'string',
                  examples: ['day,model,tokens,generations\r\n2026-12-01,kling-3.0,12.5,3\r\n'],
                },
              },
            },
          },
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
          '200': ok('A page of entries.', ref('LedgerPage')),
        },
      },
    },
    '/api/v1/webhooks/secret': {
      get: {
        operationId: 'getWebhookSecret',
        tags: ['webhooks'],
        summary: 'The account’s webhook signing secret',
        responses: {
          '200': ok('The account’s webhook signing secret.', ref('WebhookSecret')),
        },
      },
    },
    '/api/v1/webhooks/secret/rotate': {
      post: {
        operationId: 'rotateWebhookSecret',
        tags: ['webhooks'],
        summary: 'Rotate the webhook signing secret',
        responses: {
          '200': ok('Rotate the webhook signing secret.', ref('WebhookSecret')),
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
          '200': ok('List webhook deliveries.', ref('WebhookDeliveryPage')),
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
          '200': ok('A webhook delivery with its attempts.', ref('WebhookDeliveryDetail')),
          ...errors('NotFound'),
        },
      },
    },
    '/api/v1/webhooks/deliveries/{id}/replay': {
      post: {
        operationId: 'replayWebhookDelivery',
        tags: ['webhooks'],
        summary: 'Send a webhook delivery again',
        parameters: [pathId('delivery')],
        responses: {
          '202': ok('Send a webhook delivery again.', ref('WebhookDelivery')),
          ...errors('NotFound'),
        },
      },
    },
    '/api/v1/audit': {
      get: {
        operationId: 'adminListAudit',
        tags: ['admin'],
        summary: 'The audit log: who changed keys, balances and account settings, newest first',
        description:
          'Every account made, key made, changed or revoked, grant and limit change, written in the transaction ' +
          'of the change. A bad parameter is a 400 naming it.',
        parameters: [
          query('accountId', 'Only this account’s events.', { type: 'string' }),
          query('action', 'Only this action, e.g. `key.revoked`.', { type: 'string' }),
          query('actor', '`admin`, or a key id: only changes it made.', { type: 'string' }),
          query('from', 'Start (date or date-time).', { type: 'string' }),
          query('to', 'End (date or date-time, exclusive).', { type: 'string' }),
          query('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: 200, default: 50 }),
          query('cursor', 'The `nextCursor` of the previous page.', { type: 'string' }),
        ],
        responses: { '200': ok('A page of events.', ref('AuditPage')) },
      },
    },
    '/api/v1/keys': {
      get: {
        operationId: 'listKeys',
        tags: ['account'],
        summary: 'The account’s API keys (never their secrets)',
        responses: {
          '200': ok('The keys; `current` marks the calling one.', ref('ApiKeyList')),
        },
      },
      post: {
        operationId: 'createKey',
        tags: ['account'],
        summary: 'Create an API key; its secret is shown only in this answer',
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
              ...ALLOWLISTS,
              defaultRetention: DEFAULT_RETENTION,
              budgetAlertThresholds: BUDGET_ALERT_THRESHOLDS,
            },
          }),
        },
        responses: {
          '201': ok('The key, with `key` (the secret).', ref('NewApiKey')),
          ...errors('Forbidden', 'ValidationFailed'),
        },
      },
    },
    '/api/v1/keys/{id}': {
      patch: {
        operationId: 'updateKey',
        tags: ['account'],
        summary: 'Change a key’s allowlists, default retention or budget alert thresholds; in force at once',
        description:
          'Only the fields sent change; `null` lifts a list, returns the retention to the server’s setting, or the budget alert thresholds to `[80, 100]`. Under the rules of revoking: a test key changes test keys only, and a key with a budget or an allowlist changes none. Generations created before keep the retention they were created with.',
        parameters: [pathId('key')],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            additionalProperties: false,
            properties: {
              ...ALLOWLISTS,
              defaultRetention: DEFAULT_RETENTION,
              budgetAlertThresholds: BUDGET_ALERT_THRESHOLDS,
            },
          }),
        },
        responses: {
          '200': ok('The key.', ref('ApiKey')),
          ...errors('Forbidden', 'NotFound', 'ValidationFailed'),
        },
      },
    },
    '/api/v1/keys/{id}/revoke': {
      post: {
        operationId: 'revokeKey',
        tags: ['account'],
        summary: 'Revoke an API key; it stops working at once',
        parameters: [pathId('key')],
        responses: {
          '200': ok('The revoked key.', ref('ApiKey')),
          ...errors('Forbidden', 'NotFound'),
        },
      },
    },
    '/api/v1/admin/accounts': {
      get: {
        operationId: 'adminListAccounts',
        tags: ['admin'],
        summary: 'List accounts with both balances, newest first',
        parameters: [
          query('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: 200, default: 50 }),
          query('cursor', 'The `nextCursor` of the previous page.', { type: 'string' }),
        ],
        responses: {
          '200': ok('A page of accounts.', ref('AdminAccountPage')),
          ...errors('BadRequest'),
        },
      },
      post: {
        operationId: 'adminCreateAccount',
        tags: ['admin'],
        summary: 'Create an account',
        requestBody: adminBody(
          {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            maxConcurrentGenerations: limit('Queued and running generations at once.'),
            keyRatePerMinute: limit('Requests per minute of each key.'),
            lowBalanceTokens: LOW_BALANCE,
            alertWebhookUrl: ALERT_URL,
          },
          ['name'],
        ),
        responses: {
          '201': ok('The account, with both balances.', ref('AdminAccount')),
          ...errors('UnsupportedMediaType', 'ValidationFailed'),
        },
      },
    },
    '/api/v1/admin/accounts/{id}': {
      get: {
        operationId: 'adminGetAccount',
        tags: ['admin'],
        summary: 'Get an account with its limits and both balances',
        parameters: [pathId('account')],
        responses: { '200': ok('The account.', ref('AdminAccount')), ...errors('NotFound') },
      },
      patch: {
        operationId: 'adminSetAccountLimits',
        tags: ['admin'],
        summary: 'Change an account’s limits',
        description: 'Only the fields sent change.',
        parameters: [pathId('account')],
        requestBody: adminBody({
          maxConcurrentGenerations: limit('Queued and running generations at once.'),
          keyRatePerMinute: limit('Requests per minute of each key.'),
          lowBalanceTokens: LOW_BALANCE,
          alertWebhookUrl: ALERT_URL,
          provenance: {
            type: 'boolean',
            description:
              'false: its outputs are stored without a C2PA manifest. Refused (422) unless the gateway allows opting out.',
          },
        }),
        responses: {
          '200': ok('The account.', ref('AdminAccount')),
          ...errors('NotFound', 'UnsupportedMediaType', 'ValidationFailed'),
        },
      },
    },
    '/api/v1/admin/accounts/{id}/keys': {
      get: {
        operationId: 'adminListKeys',
        tags: ['admin'],
        summary: 'An account’s API keys (never their secrets)',
        parameters: [pathId('account')],
        responses: {
          '200': ok('The keys, oldest first.', {
            type: 'object',
            required: ['data'],
            properties: { data: { type: 'array', items: ref('ApiKey') } },
          }),
          ...errors('NotFound'),
        },
      },
      post: {
        operationId: 'adminCreateKey',
        tags: ['admin'],
        summary: 'Create an API key for an account; its secret is shown only in this answer',
        parameters: [pathId('account')],
        requestBody: adminBody(
          {
            mode: MODE,
            name: { type: 'string', maxLength: 200 },
            dailyTokens: budget('Budget per UTC day; `null`: none.'),
            monthlyTokens: budget('Budget per UTC month; `null`: none.'),
            ...ALLOWLISTS,
            defaultRetention: DEFAULT_RETENTION,
            budgetAlertThresholds: BUDGET_ALERT_THRESHOLDS,
          },
          ['mode'],
        ),
        responses: {
          '201': ok('The key, with `key` (the secret, stored only as a hash).', ref('NewApiKey')),
          ...errors('NotFound', 'UnsupportedMediaType', 'ValidationFailed'),
        },
      },
    },
    '/api/v1/admin/keys/{id}': {
      patch: {
        operationId: 'adminUpdateKey',
        tags: ['admin'],
        summary:
          'Change any key’s allowlists, default retention or budget alert thresholds; in force at once',
        description:
          'Only the fields sent change; `null` lifts a list, returns the retention to the server’s setting, or the budget alert thresholds to `[80, 100]`.',
        parameters: [pathId('key')],
        requestBody: adminBody({
          ...ALLOWLISTS,
          defaultRetention: DEFAULT_RETENTION,
          budgetAlertThresholds: BUDGET_ALERT_THRESHOLDS,
        }),
        responses: {
          '200': ok('The key.', ref('ApiKey')),
          ...errors('NotFound', 'UnsupportedMediaType', 'ValidationFailed'),
        },
      },
    },
    '/api/v1/admin/keys/{id}/revoke': {
      post: {
        operationId: 'adminRevokeKey',
        tags: ['admin'],
        summary: 'Revoke any API key; it stops working at once',
        parameters: [pathId('key')],
        responses: { '200': ok('The revoked key.', ref('ApiKey')), ...errors('NotFound') },
      },
    },
    '/api/v1/admin/accounts/{id}/grants': {
      post: {
        operationId: 'adminGrantTokens',
        tags: ['admin'],
        summary: 'Add tokens to an account’s test or live balance',
        description: 'Written to the ledger with its note.',
        parameters: [pathId('account')],
        requestBody: adminBody(
          {
            mode: MODE,
            tokens: { type: 'number', exclusiveMinimum: 0, maximum: 1e12 },
            note: { type: 'string', maxLength: 500, description: '`grant` by default.' },
          },
          ['mode', 'tokens'],
        ),
        responses: {
          '201': ok('The account, with its new balances.', ref('AdminAccount')),
          ...errors('NotFound', 'UnsupportedMediaType', 'ValidationFailed'),
        },
      },
    },
    '/api/v1/admin/providers': {
      get: {
        operationId: 'adminProviderHealth',
        tags: ['admin'],
        summary: 'How each provider has done: start calls by outcome, failure rate, run times, slots, errors',
        description:
          'Read from the attempt log of the generations made in the window and the slots held now; lists every ' +
          'provider this gateway has and any other seen in the window.',
        parameters: [
          query('hours', 'The window: generations made in the last this many hours.', {
            type: 'integer',
            minimum: 1,
            maximum: 2160,
            default: 24,
          }),
        ],
        responses: {
          '200': ok('Every provider, by id.', ref('ProviderHealthReport')),
          ...errors('BadRequest'),
        },
      },
    },
    '/api/v1/admin/queue': {
      get: {
        operationId: 'adminQueueStatus',
        tags: ['admin'],
        summary: 'Generations queued and running over every account, and the oldest of each',
        responses: { '200': ok('The queue now.', ref('QueueStatus')) },
      },
    },
    '/api/v1/admin/upstreams/check': {
      post: {
        operationId: 'adminCheckUpstreams',
        tags: ['admin'],
        summary: "Compare each route's mapping with its upstream's published input schema and price",
        description:
          'Runs each mapping over the inputs the catalog accepts to find the body fields and values it sends to ' +
          "each endpoint, reads the upstream's published schema of that endpoint (fal's per-endpoint OpenAPI " +
          "document, Replicate's latest model version) and fal's published price, and reports the differences. " +
          'Kling publishes no machine-readable schema, and upstreams not configured here are skipped, each with ' +
          'its reason; an upstream that cannot be read is reported on its endpoint. Without a body, every route.',
        requestBody: {
          required: false,
          content: json({
            type: 'object',
            additionalProperties: false,
            properties: {
              models: {
                type: 'array',
                minItems: 1,
                items: { type: 'string' },
                description: 'Only these models’ routes.',
              },
              upstreams: {
                type: 'array',
                minItems: 1,
                items: { type: 'string', enum: ['kling', 'fal', 'replicate'] },
                description: 'Only these upstreams’ routes.',
              },
            },
          }),
        },
        responses: {
          '200': ok('The report, route by route.', ref('UpstreamsCheckReport')),
          ...errors('BadRequest', 'UnsupportedMediaType'),
        },
      },
    },
    '/api/v1/admin/webhooks/deliveries': {
      get: {
        operationId: 'adminListWebhookDeliveries',
        tags: ['admin'],
        summary: 'List webhook deliveries of every account, newest first',
        parameters: [
          query('limit', 'Page size.', { type: 'integer', minimum: 1, maximum: 100, default: 20 }),
          query('cursor', 'The `nextCursor` of the previous page.', { type: 'string' }),
          query('accountId', 'Only this account’s.', { type: 'string' }),
          query('state', 'Only this state.', { type: 'string', enum: ['pending', 'succeeded', 'failed'] }),
        ],
        responses: {
          '200': ok('A page of deliveries.', ref('AdminWebhookDeliveryPage')),
          ...errors('BadRequest'),
        },
      },
    },
    '/api/v1/admin/webhooks/deliveries/{id}/replay': {
      post: {
        operationId: 'adminReplayWebhookDelivery',
        tags: ['admin'],
        summary: 'Send any account’s webhook delivery again now',
        parameters: [pathId('delivery')],
        responses: {
          '202': ok('The delivery, pending again.', ref('AdminWebhookDelivery')),
          ...errors('NotFound'),
        },
      },
    },
    '/callbacks/{provider}': {
      post: {
        operationId: 'receiveCallback',
        tags: ['callbacks'],
        summary: 'Receive an upstream provider’s progress callback',
        description:
          'Where upstreams report on work they run (`REELAY_CALLBACK_URL`). The provider checks the request ' +
          '(its signature where it signs them) and names the work, whose job is then made due: the worker asks ' +
          'the upstream itself, so a callback is a hint and never a result. No API key.',
        parameters: [
          {
            name: 'provider',
            in: 'path',
            required: true,
            description: 'The provider id, e.g. `kling`, `fal`, `replicate`.',
            schema: { type: 'string' },
          },
        ],
        requestBody: {
          required: true,
          description: `The upstream’s own body, read as bytes (signatures cover them), at most ${MAX_CALLBACK_BYTES / 1024} KB.`,
          content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
        },
        responses: {
          '200': ok('Received; `matched` tells whether it named a generation of this gateway.', {
            type: 'object',
            required: ['received', 'matched'],
            properties: { received: { type: 'boolean', const: true }, matched: { type: 'boolean' } },
          }),
          '401': ok('The provider’s signature check failed.', ref('Error')),
          '404': ok('No configured provider of that id takes callbacks.', ref('Error')),
          '413': ok(`The body is larger than ${MAX_CALLBACK_BYTES / 1024} KB.`, ref('Error')),
        },
      },
    },
    '/healthz': {
      get: {
        operationId: 'health',
        tags: ['operations'],
        summary: 'Liveness',
        responses: { '200': ok('Alive.', { type: 'object' }) },
      },
    },
    '/readyz': {
      get: {
        operationId: 'ready',
        tags: ['operations'],
        summary: 'Readiness: the database answers',
        responses: {
          '200': ok('Ready.', { type: 'object' }),
          '503': ok('The database does not answer.', { type: 'object' }),
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        tags: ['operations'],
        summary: 'Prometheus metrics of this process',
        description:
          'The Prometheus text exposition of the process that answers: requests, generations, provider calls, ' +
          'webhook deliveries, and, read when scraped, the queue, slots, held tokens and stored bytes. Served only ' +
          'when `REELAY_METRICS_TOKEN` is set, to a scraper sending it as a Bearer token.',
        responses: {
          '200': {
            description: 'The metrics, never cached.',
            content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } },
          },
          '401': ok('No Bearer token, or not the metrics token.', ref('Error')),
          '404': ok('Metrics are off: the gateway was started without `REELAY_METRICS_TOKEN`.', ref('Error')),
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        tags: ['operations'],
        summary: 'This document',
        responses: { '200': ok('OpenAPI 3.1.', { type: 'object' }) },
      },
    },
    '/docs': {
      get: {
        operationId: 'docs',
        tags: ['operations'],
        summary: 'The API reference as a web page',
        responses: {
          '200': { description: 'HTML.', content: { 'text/html': { schema: { type: 'string' } } } },
        },
      },
    },
  };
}
