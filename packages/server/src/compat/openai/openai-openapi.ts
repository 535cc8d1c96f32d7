import type { Json } from '@reelay/catalog';

type Schema = Record<string, Json>;

/** The tag of the OpenAI shape in `/openapi.json`. */
export const OPENAI_TAG = {
  name: 'openai',
  description:
    'The OpenAI Videos and Images shape at `/v1`, for the unmodified `openai` clients ' +
    '(`new OpenAI({ baseURL: "<gateway>/v1", apiKey })`). Same keys, generations, tokens and files as `/api/v1`; ' +
    'errors in OpenAI’s envelope. `model` is a Reelay model id; any of the model’s own fields may be sent too.',
};

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const ok = (description: string, schema: Schema) => ({ description, content: json(schema) });
const error = (description: string) => ok(description, ref('OpenAIError'));

/** The error answers every `/v1` operation may give, in OpenAI's envelope. */
function errorsFor(method: string, extra: Record<string, string> = {}): Record<string, Json> {
  const out: Record<string, Json> = {
    '400': error(
      'A parameter is missing, malformed, or asks for what the model cannot make (`param` names it).',
    ),
    '401': error('No key, or a key that is unknown or revoked.'),
    '429': {
      description: 'Too many requests for the key, or too many generations running.',
      headers: {
        'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 1 } },
      },
      content: json(ref('OpenAIError')),
    },
  };
  if (method !== 'get') out['413'] = error('The body, or a file in it, is larger than the gateway accepts.');
  if (method === 'post') {
    out['402'] = error('Not enough tokens for the quote, or a key budget spent.');
    out['409'] = error('The Idempotency-Key was used with another request, or its first is still running.');
  }
  for (const [status, description] of Object.entries(extra)) out[status] = error(description);
  return out;
}

const videoId = {
  name: 'video_id',
  in: 'path',
  required: true,
  description: 'The video id (a Reelay generation id, `gen_…`).',
  schema: { type: 'string' },
};

const modelFieldsNote =
  'Any field of the model’s own input (see `GET /api/v1/models/{id}`) may be sent beside these.';

const videoCreate: Schema = {
  type: 'object',
  required: ['model', 'prompt'],
  additionalProperties: true,
  description: modelFieldsNote,
  properties: {
    model: { type: 'string', description: 'A Reelay video model id.', examples: ['kling-3.0-omni'] },
    prompt: { type: 'string' },
    seconds: { type: 'string', description: 'The length, as the model’s `duration`.', examples: ['5'] },
    size: {
      type: 'string',
      description:
        '`WIDTHxHEIGHT`, as the model’s aspect ratio and resolution (`720x1280` → 9:16 720p, `1920x1080` → 16:9 1080p).',
      examples: ['720x1280'],
    },
    input_reference: {
      description:
        'An image (first frame or reference) or a video, into the model’s first slot for it: a file in a form, ' +
        'or `{image_url}` / `{file_id}` (an asset id).',
      oneOf: [
        { type: 'string', contentMediaType: 'application/octet-stream' },
        {
          type: 'object',
          additionalProperties: false,
          properties: { image_url: { type: 'string' }, file_id: { type: 'string' } },
        },
      ],
    },
    webhook_url: {
      type: 'string',
      format: 'uri',
      description:
        'Where the video’s end is told as an OpenAI event (`video.completed`, or `video.failed` for a failed or ' +
        'canceled one; `data.id` is the video), signed per Standard Webhooks with the account’s webhook secret ' +
        'of the key’s mode. Not an OpenAI parameter: OpenAI sets webhook endpoints per project.',
    },
  },
};

const imageCommon: Record<string, Json> = {
  model: { type: 'string', description: 'A Reelay image model id.', examples: ['nano-banana-2'] },
  prompt: { type: 'string' },
  n: { type: 'integer', minimum: 1, maximum: 10, default: 1 },
  size: {
    type: 'string',
    description:
      '`auto` or `WIDTHxHEIGHT`, as the model’s aspect ratio and image size (long side up to 1536 px is 1K, 2560 2K, 3584 3K, 4096 4K).',
    examples: ['1024x1024'],
  },
  quality: { type: 'string', description: 'For models with a `quality` field; `auto` is its default.' },
  response_format: { type: 'string', enum: ['url', 'b64_json'], default: 'url' },
  user: { type: 'string' },
};

const file = { type: 'string', contentMediaType: 'application/octet-stream' };

/** The schemas the `/v1` operations refer to. */
export function openAiSchemas(): Record<string, Schema> {
  return {
    OpenAIError: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['message', 'type', 'param', 'code'],
          properties: {
            message: { type: 'string' },
            type: { type: 'string', examples: ['invalid_request_error'] },
            param: { type: ['string', 'null'] },
            code: { type: ['string', 'null'] },
          },
        },
      },
    },
    OpenAIVideo: {
      type: 'object',
      required: ['id', 'object', 'model', 'status', 'progress', 'created_at', 'seconds', 'size'],
      properties: {
        id: { type: 'string' },
        object: { type: 'string', const: 'video' },
        model: { type: 'string' },
        status: { type: 'string', enum: ['queued', 'in_progress', 'completed', 'failed'] },
        progress: { type: 'integer', minimum: 0, maximum: 100 },
        created_at: { type: 'integer' },
        completed_at: { type: ['integer', 'null'] },
        expires_at: { type: ['integer', 'null'], description: 'When the output is swept, if files expire.' },
        prompt: { type: ['string', 'null'] },
        seconds: { type: 'string' },
        size: { type: 'string' },
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
        remixed_from_video_id: { type: ['string', 'null'] },
      },
    },
    OpenAIImages: {
      type: 'object',
      required: ['created', 'data'],
      properties: {
        created: { type: 'integer' },
        data: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              url: { type: 'string', description: 'A signed link that needs no key, until it expires.' },
              b64_json: { type: 'string' },
              revised_prompt: { type: ['string', 'null'] },
            },
          },
        },
      },
    },
  };
}

/** The `/v1` operations, by path and method. */
export function openAiPaths(): Record<string, Record<string, Schema>> {
  const video = ok('The video.', ref('OpenAIVideo'));
  return {
    '/v1/videos': {
      post: {
        operationId: 'openaiCreateVideo',
        tags: ['openai'],
        summary: 'Create a video (OpenAI shape)',
        description: 'One Reelay generation: the tokens are held now and charged when it completes.',
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': { schema: videoCreate },
            'application/json': { schema: videoCreate },
          },
        },
        responses: { '200': video, ...errorsFor('post') },
      },
      get: {
        operationId: 'openaiListVideos',
        tags: ['openai'],
        summary: 'List videos, newest first (OpenAI shape)',
        parameters: [
          {
            name: 'after',
            in: 'query',
            required: false,
            description: 'The last id of the page before.',
            schema: { type: 'string' },
          },
          {
            name: 'limit',
            in: 'query',
            required: false,
            description: '1 to 100; 20 by default.',
            schema: { type: 'integer', minimum: 1, maximum: 100 },
          },
          {
            name: 'order',
            in: 'query',
            required: false,
            description:
              '`desc` (newest first, the default) or `asc` (oldest first); `after` continues either.',
            schema: { type: 'string', enum: ['asc', 'desc'] },
          },
        ],
        responses: {
          '200': ok('A page of videos.', {
            type: 'object',
            required: ['object', 'data', 'has_more'],
            properties: {
              object: { type: 'string', const: 'list' },
              data: { type: 'array', items: ref('OpenAIVideo') },
              first_id: { type: ['string', 'null'] },
              last_id: { type: ['string', 'null'] },
              has_more: { type: 'boolean' },
            },
          }),
          ...errorsFor('get'),
        },
      },
    },
    '/v1/videos/{video_id}': {
      get: {
        operationId: 'openaiGetVideo',
        tags: ['openai'],
        summary: 'Get a video (OpenAI shape)',
        parameters: [videoId],
        responses: { '200': video, ...errorsFor('get', { '404': 'No such video, or it was deleted.' }) },
      },
      delete: {
        operationId: 'openaiDeleteVideo',
        tags: ['openai'],
        summary: 'Delete a video (OpenAI shape)',
        description: 'Cancels it if it is still running (its hold is released) and deletes its output file.',
        parameters: [videoId],
        responses: {
          '200': ok('Deleted.', {
            type: 'object',
            required: ['id', 'object', 'deleted'],
            properties: {
              id: { type: 'string' },
              object: { type: 'string', const: 'video.deleted' },
              deleted: { type: 'boolean' },
            },
          }),
          ...errorsFor('delete', { '404': 'No such video, or it was deleted.' }),
        },
      },
    },
    '/v1/videos/{video_id}/content': {
      get: {
        operationId: 'openaiGetVideoContent',
        tags: ['openai'],
        summary: 'Download a video, its thumbnail or its spritesheet (OpenAI shape)',
        parameters: [
          videoId,
          {
            name: 'variant',
            in: 'query',
            required: false,
            description:
              '`video` (MP4, the default), `thumbnail` (a JPEG of one frame) or `spritesheet` (a JPEG of twelve ' +
              'frames spread over the video, 160 px wide each, four columns by three rows), made with ffmpeg.',
            schema: { type: 'string', enum: ['video', 'thumbnail', 'spritesheet'] },
          },
        ],
        responses: {
          '200': {
            description: 'The bytes.',
            content: { 'video/mp4': { schema: file }, 'image/jpeg': { schema: file } },
          },
          ...errorsFor('get', {
            '404': 'No such video, or it was deleted.',
            '409': 'The video is not completed.',
          }),
        },
      },
    },
    '/v1/videos/{video_id}/remix': {
      post: {
        operationId: 'openaiRemixVideo',
        tags: ['openai'],
        summary: 'Remix a video with a new prompt (OpenAI shape)',
        description:
          'A new generation of the same model with the new prompt, the source’s aspect ratio, resolution and ' +
          'length, and its output as the reference video; a model with no reference-video slot is a 400.',
        parameters: [videoId],
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['prompt'],
            additionalProperties: true,
            description: modelFieldsNote,
            properties: { prompt: { type: 'string' } },
          }),
        },
        responses: { '200': video, ...errorsFor('post', { '404': 'No such video, or it was deleted.' }) },
      },
    },
    '/v1/images/generations': {
      post: {
        operationId: 'openaiGenerateImages',
        tags: ['openai'],
        summary: 'Generate images (OpenAI shape)',
        description: `\`n\` Reelay generations, answered once they have finished. ${modelFieldsNote}`,
        requestBody: {
          required: true,
          content: json({
            type: 'object',
            required: ['model', 'prompt'],
            additionalProperties: true,
            properties: imageCommon,
          }),
        },
        responses: {
          '200': ok('The images.', ref('OpenAIImages')),
          ...errorsFor('post', {
            '502': 'A generation failed (not charged).',
            '504': 'Not finished in time.',
          }),
        },
      },
    },
    '/v1/images/edits': {
      post: {
        operationId: 'openaiEditImages',
        tags: ['openai'],
        summary: 'Edit images (OpenAI shape)',
        description:
          'The first `image` is the model’s source image, further ones its reference images, `mask` its mask. ' +
          modelFieldsNote,
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['model', 'prompt', 'image'],
                additionalProperties: true,
                properties: {
                  ...imageCommon,
                  image: { oneOf: [file, { type: 'array', items: file }] },
                  mask: file,
                },
              },
            },
          },
        },
        responses: {
          '200': ok('The images.', ref('OpenAIImages')),
          ...errorsFor('post', {
            '502': 'A generation failed (not charged).',
            '504': 'Not finished in time.',
          }),
        },
      },
    },
  };
}
