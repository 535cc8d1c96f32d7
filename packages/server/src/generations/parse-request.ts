import {
  type FieldError,
  findModel,
  type PrepareResult,
  type PriceOverrides,
  PriceUnavailableError,
  prepare,
} from '@reelay/catalog';
import { ApiError, validationFailed } from '../errors.ts';
import { webhookUrlError } from '../net/webhook-url.ts';
import { parseRetention } from '../retention/parse-retention.ts';

const TYPES = ['video', 'image', 'audio'] as const;
const TOP_LEVEL = new Set(['type', 'model', 'input', 'webhookUrl', 'retention', 'provenance']);

/**
 * Checks the request envelope `{type, model, input, webhookUrl?, retention?, provenance?}` and the model's input in
 * one pass, so a client sees every problem at once. Throws a 422 (or 400 for a non-object body); returns the
 * prepared request with the retention it asked for in seconds (null when it sent none) and whether its outputs get
 * a C2PA manifest (`provenance: false` is refused unless `allowProvenanceOptOut`).
 */
export function parseGenerationRequest(
  body: unknown,
  prices: PriceOverrides,
  options: {
    allowHttpWebhooks?: boolean;
    allowPrivateWebhooks?: boolean;
    allowProvenanceOptOut?: boolean;
  } = {},
) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(
      'invalid_request',
      400,
      'The request body must be a JSON object like {"type","model","input"}.',
    );
  }
  const b = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  let retentionSeconds: number | null = null;
  let provenance = true;
  for (const key of Object.keys(b)) {
    if (key === 'variant') {
      errors.push({
        param: 'variant',
        code: 'unknown_field',
        message: 'variant is chosen from the input fields; do not send it.',
      });
    } else if (key === 'webhookUrl') {
      const error = webhookUrlError(
        b.webhookUrl,
        options.allowHttpWebhooks ?? false,
        options.allowPrivateWebhooks ?? false,
      );
      if (error) errors.push(error);
    } else if (key === 'retention') {
      const retention = parseRetention(b.retention, 'retention');
      if ('error' in retention) errors.push(retention.error);
      else retentionSeconds = retention.seconds;
    } else if (key === 'provenance') {
      if (typeof b.provenance !== 'boolean') {
        errors.push({
          param: 'provenance',
          code: 'invalid_type',
          message: 'provenance must be true or false (false: store the outputs without a C2PA manifest).',
        });
      } else if (!b.provenance && !(options.allowProvenanceOptOut ?? false)) {
        errors.push({
          param: 'provenance',
          code: 'not_allowed',
          message:
            'provenance: false is not allowed by this gateway: every output carries a C2PA manifest (the operator allows opting out with REELAY_C2PA_ALLOW_OPT_OUT).',
        });
      } else provenance = b.provenance;
    } else if (!TOP_LEVEL.has(key)) {
      errors.push({
        param: key,
        code: 'unknown_field',
        message: `${key} is not a field of a generation request (type, model, input, webhookUrl, retention, provenance).`,
      });
    }
  }
  const typeOk = typeof b.type === 'string' && (TYPES as readonly string[]).includes(b.type);
  if (!typeOk) {
    errors.push({
      param: 'type',
      code: b.type === undefined ? 'required' : 'not_allowed',
      message: `type must be one of ${TYPES.join(', ')}.`,
    });
  }
  if (typeof b.model !== 'string' || b.model.length === 0) {
    errors.push({
      param: 'model',
      code: b.model === undefined ? 'required' : 'invalid_type',
      message: 'model must be a model id such as kling-3.0-omni.',
    });
    throw validationFailed(errors);
  }
  const model = findModel(b.model);
  if (!model) {
    throw new ApiError(
      'model_not_found',
      404,
      `There is no model ${b.model}; GET /api/v1/models lists them.`,
      { param: 'model' },
    );
  }
  if (typeOk && b.type !== model.type) {
    errors.push({
      param: 'type',
      code: 'not_allowed',
      message: `${model.id} is a ${model.type} model; type must be "${model.type}".`,
    });
  }
  let result: PrepareResult;
  if (b.input === undefined) {
    result = {
      ok: false,
      errors: [
        { param: 'input', code: 'required', message: 'input is required: an object with the model fields.' },
      ],
    };
  } else {
    try {
      result = prepare(model.id, b.input, { prices });
    } catch (error) {
      if (!(error instanceof PriceUnavailableError)) throw error;
      throw new ApiError('price_unavailable', 422, `${error.message} Ask the operator to set its price.`, {
        param: 'model',
      });
    }
  }
  if (!result.ok) errors.push(...result.errors);
  if (errors.length > 0 || !result.ok) throw validationFailed(errors);
  return { ...result.value, retentionSeconds, provenance };
}
