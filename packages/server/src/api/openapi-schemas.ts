import type { Json } from '@reelay/catalog';

type Schema = Record<string, Json>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string): Schema => ({ type: [type, 'null'] });
const time = (description: string): Schema => ({
  type: ['string', 'null'],
  format: 'date-time',
  description,
});
const media: Schema = {
  width: { type: 'integer', description: 'Pixels, for images and videos.' },
  height: { type: 'integer', description: 'Pixels, for images and videos.' },
  durationSeconds: { type: 'number', description: 'For videos and audio.' },
  hasAudio: { type: 'boolean', description: 'For videos: whether there is an audio track.' },
};
const MODEL_TYPE: Schema = { type: 'string', enum: ['video', 'image', 'audio'] };

/** The answers' shapes that do not depend on the catalog: generations, quotes, assets, errors… */
export function sharedSchemas(): Record<string, Schema> {
  return {
    FieldError: {
      type: 'object',
      description: 'One bad field; `param` is its path, such as `input.duration`.',
      required: ['param', 'code', 'message'],
      properties: {
        param: { type: 'string', examples: ['input.duration'] },
        code: { type: 'string', examples: ['out_of_range'] },
        message: { type: 'string' },
      },
    },
    Error: {
      type: 'object',
      description: 'Every error answer. A 422 lists every bad field in `details`; `param` names the first.',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message', 'requestId'],
          properties: {
            code: {
              type: 'string',
              description:
                'Machine-readable, e.g. `validation_failed`, `insufficient_tokens`, `rate_limited`.',
            },
            message: { type: 'string' },
            param: { type: 'string', description: 'The field, header or query parameter that was wrong.' },
            details: { type: 'array', items: ref('FieldError') },
            requestId: { type: 'string', examples: ['req_3k2j4h5g6f7d8s9a'] },
          },
        },
      },
    },
    Quote: {
      type: 'object',
      required: ['tokens'],
      properties: {
        tokens: { type: 'number', description: 'Tokens held at creation; never more is charged.' },
        tokensPerSecond: { type: 'number' },
        seconds: { type: 'number' },
      },
    },
    QuoteResult: {
      type: 'object',
      required: ['model', 'mode', 'variant', 'tokens', 'input'],
      properties: {
        model: { type: 'string' },
        mode: { type: 'string', examples: ['text_to_video'] },
        variant: { type: 'string', examples: ['720p-audio'] },
        tokens: { type: 'number' },
        tokensPerSecond: { type: 'number' },
        seconds: { type: 'number' },
        input: { type: 'object', description: 'The normalised input: defaults applied.' },
      },
    },
    Output: {
      type: 'object',
      required: ['uri', 'url', 'mediaType', 'bytes'],
      properties: {
        uri: { type: 'string', examples: ['asset://asset_8f7d6s5a4'] },
        url: { type: 'string', format: 'uri', description: 'GET it with the key to download the bytes.' },
        mediaType: { type: 'string', examples: ['video/mp4'] },
        bytes: { type: 'integer' },
        ...media,
      },
    },
    Generation: {
      type: 'object',
      required: ['id', 'type', 'model', 'mode', 'variant', 'status', 'input', 'quote', 'outputs', 'error'],
      properties: {
        id: { type: 'string', examples: ['gen_5t6y7u8i9o'] },
        type: MODEL_TYPE,
        model: { type: 'string', examples: ['kling-3.0-omni'] },
        mode: { type: 'string' },
        variant: { type: 'string' },
        status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'canceled'] },
        environment: { type: 'string', enum: ['test', 'live'] },
        provider: nullable('string'),
        providerAttempts: {
          type: 'array',
          description: 'Every call that asked a provider to start it, in order (failover shows as several).',
          items: {
            type: 'object',
            required: ['provider', 'upstreamId', 'outcome', 'error', 'at'],
            properties: {
              provider: { type: 'string', examples: ['kling'] },
              upstreamId: { type: ['string', 'null'], description: "The upstream's id of the work." },
              outcome: {
                type: 'string',
                enum: ['requested', 'accepted', 'rejected', 'deferred', 'unknown', 'succeeded', 'failed'],
              },
              error: {
                oneOf: [
                  {
                    type: 'object',
                    required: ['code', 'message'],
                    properties: { code: { type: 'string' }, message: { type: 'string' } },
                  },
                  { type: 'null' },
                ],
              },
              at: { type: 'string', format: 'date-time' },
            },
          },
        },
        input: { type: 'object', description: 'The normalised input: defaults applied.' },
        quote: ref('Quote'),
        chargedTokens: { type: ['number', 'null'], description: 'Set once the generation succeeded.' },
        progress: { type: ['number', 'null'], minimum: 0, maximum: 1 },
        outputs: { type: 'array', items: ref('Output') },
        error: {
          oneOf: [
            {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' } },
            },
            { type: 'null' },
          ],
        },
        webhookUrl: { type: ['string', 'null'] },
        warnings: {
          type: 'array',
          items: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
        createdAt: { type: 'string', format: 'date-time' },
        startedAt: time('When a worker started it.'),
        completedAt: time('When it reached succeeded, failed or canceled.'),
      },
    },
    GenerationPage: {
      type: 'object',
      required: ['data', 'nextCursor'],
      properties: {
        data: { type: 'array', items: ref('Generation') },
        nextCursor: { type: ['string', 'null'], description: 'Pass it as `cursor` for the next page.' },
      },
    },
    Asset: {
      type: 'object',
      required: ['id', 'uri', 'url', 'kind', 'mediaType', 'bytes', 'sha256'],
      properties: {
        id: { type: 'string', examples: ['asset_8f7d6s5a4'] },
        uri: { type: 'string', description: 'Pass it in a media field of an input.' },
        url: { type: 'string', format: 'uri' },
        kind: { type: 'string', enum: ['image', 'video', 'audio'] },
        mediaType: { type: 'string', description: 'Decided from the bytes, not the Content-Type sent.' },
        bytes: { type: 'integer' },
        sha256: { type: 'string' },
        ...media,
        createdAt: { type: 'string', format: 'date-time' },
      },
    },
    Account: {
      type: 'object',
      required: ['id', 'name', 'environment', 'tokens'],
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        environment: { type: 'string', enum: ['test', 'live'] },
        tokens: {
          type: 'object',
          required: ['balance', 'held', 'available'],
          properties: {
            balance: { type: 'number' },
            held: { type: 'number' },
            available: { type: 'number' },
          },
        },
      },
    },
    AdminAccount: {
      type: 'object',
      description: 'An account as the operator sees it: its limits and both balances.',
      required: ['id', 'name', 'limits', 'tokens', 'createdAt'],
      properties: {
        id: { type: 'string', examples: ['acct_2w3e4r5t6y'] },
        name: { type: 'string' },
        limits: {
          type: 'object',
          description: '`null`: the gateway default.',
          required: ['maxConcurrentGenerations', 'keyRatePerMinute'],
          properties: {
            maxConcurrentGenerations: nullable('integer'),
            keyRatePerMinute: nullable('integer'),
          },
        },
        tokens: {
          type: 'object',
          required: ['test', 'live'],
          properties: { test: ref('AdminBalance'), live: ref('AdminBalance') },
        },
        createdAt: { type: 'string', format: 'date-time' },
      },
    },
    AdminBalance: {
      type: 'object',
      required: ['balance', 'held'],
      properties: {
        balance: { type: 'number' },
        held: { type: 'number', description: 'Held for queued and running generations.' },
      },
    },
    ApiKey: {
      type: 'object',
      description: 'An API key without its secret, which is stored only as a hash.',
      required: [
        'id',
        'accountId',
        'mode',
        'prefix',
        'name',
        'budgets',
        'createdAt',
        'lastUsedAt',
        'revokedAt',
      ],
      properties: {
        id: { type: 'string', examples: ['key_9o8i7u6y5t'] },
        accountId: { type: 'string' },
        mode: { type: 'string', enum: ['test', 'live'] },
        prefix: { type: 'string', description: 'The first characters of the key, to tell keys apart.' },
        name: { type: 'string' },
        budgets: {
          type: 'object',
          required: ['dailyTokens', 'monthlyTokens'],
          properties: { dailyTokens: nullable('number'), monthlyTokens: nullable('number') },
        },
        createdAt: { type: 'string', format: 'date-time' },
        lastUsedAt: time('Its last use, recorded at most once a minute.'),
        revokedAt: time('When it was revoked.'),
      },
    },
    NewApiKey: {
      description: 'A key just made, with its secret: shown only in this answer.',
      allOf: [
        ref('ApiKey'),
        {
          type: 'object',
          required: ['key'],
          properties: { key: { type: 'string', examples: ['rl_live_…'] } },
        },
      ],
    },
    ModelSummary: {
      type: 'object',
      required: ['id', 'type', 'title', 'provider', 'description', 'modes'],
      properties: {
        id: { type: 'string' },
        type: MODEL_TYPE,
        title: { type: 'string' },
        provider: { type: 'string' },
        description: { type: 'string' },
        fromTokensPerSecond: { type: 'number' },
        fromTokens: { type: 'number' },
        modes: { type: 'array', items: { type: 'string' } },
        capabilities: { type: 'array', items: { type: 'string' } },
      },
    },
    ModelList: {
      type: 'object',
      required: ['data'],
      properties: { data: { type: 'array', items: ref('ModelSummary') } },
    },
    Model: {
      description: 'A model in full: its fields, input JSON Schema, prices per variant, modes and slots.',
      allOf: [
        ref('ModelSummary'),
        {
          type: 'object',
          required: ['fields', 'inputSchema', 'pricing', 'slots'],
          properties: {
            fields: {
              type: 'array',
              description: 'The input fields; `label` and `description` in the asked `locale`.',
              items: { type: 'object' },
            },
            inputSchema: { type: 'object', description: 'JSON Schema 2020-12 of `input`.' },
            pricing: {
              type: 'array',
              description: 'The price rows by variant; `label` in the asked `locale`.',
              items: { type: 'object' },
            },
            slots: { type: 'array', items: { type: 'object' } },
            rules: { type: 'array', items: { type: 'object' } },
            exampleInput: { type: 'object' },
          },
        },
      ],
    },
  };
}
