import { type FieldError, findModel } from '@reelay/catalog';
import { preferredWaitSeconds } from '../../api/prefer-wait.ts';
import { ApiError, validationFailed } from '../../errors.ts';
import { aliasFieldOf, aliasNamed, reelayInputOf } from './replicate-aliases.ts';
import type { CoreGenerationRequest } from './replicate-core.ts';
import { filesAsAssets } from './replicate-files.ts';

/** Replicate's wait when `Prefer: wait` names no number of seconds. */
export const DEFAULT_WAIT_SECONDS = 60;

/** Seconds asked for by `Prefer: wait` or `wait=n` (1 to 60), or null when no wait was asked for. */
export function replicateWaitSeconds(header: string | string[] | undefined): number | null {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  const bare = values.some((v) =>
    v.split(',').some((part) => (part.split(';')[0] ?? '').trim().toLowerCase() === 'wait'),
  );
  return bare ? DEFAULT_WAIT_SECONDS : preferredWaitSeconds(header);
}

const UNITS: Record<string, number> = { h: 3600_000, m: 60_000, s: 1000, ms: 1 };

/**
 * `Cancel-After` in milliseconds: a duration such as `90s`, `5m`, `1h30m` or `500ms`, or a bare number of seconds;
 * null when absent. At least 5 s, as on Replicate; anything else is a 400 naming the header.
 */
export function cancelAfterMs(header: string | string[] | undefined): number | null {
  if (header === undefined) return null;
  const text = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  const bad = () =>
    new ApiError(
      'invalid_request',
      400,
      'Cancel-After must be a duration of at least 5 s such as 30s, 5m or 1h30m.',
      { param: 'Cancel-After' },
    );
  let ms = 0;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw bad();
    for (const p of parts) ms += Number(p[1]) * (UNITS[p[2] ?? 's'] ?? 0);
  }
  if (!Number.isFinite(ms) || ms < 5000) throw bad();
  return Math.round(ms);
}

const EVENTS = ['start', 'output', 'logs', 'completed'];
const BODY_KEYS = new Set(['input', 'webhook', 'webhook_events_filter', 'stream', 'version']);

/** A prediction request checked and turned into Reelay's request, with the Replicate fields it came from. */
export interface PredictionRequest {
  core: CoreGenerationRequest;
  input: Record<string, unknown>;
  webhook: string | null;
  webhookEvents: string[];
}

/**
 * Reads `{input, webhook, webhook_events_filter}` for a model name: an alias's Replicate fields are mapped to the
 * model's Reelay fields; `reelay/<id>` takes Reelay's. Files named by their `urls.get` become asset URIs.
 */
export function parsePredictionBody(
  body: unknown,
  name: string,
  model: string,
  publicUrl: string,
): PredictionRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError('invalid_request', 400, 'The body must be a JSON object like {"input": {…}}.');
  }
  const b = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(b)) {
    if (!BODY_KEYS.has(key)) {
      errors.push({ param: key, code: 'unknown_field', message: `${key} is not a field of a prediction.` });
    }
  }
  if (b.stream === true) {
    errors.push({
      param: 'stream',
      code: 'not_allowed',
      message: 'Streaming output is not offered here: poll urls.get or send Prefer: wait.',
    });
  }
  const input = b.input;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    errors.push({ param: 'input', code: 'required', message: 'input is required: an object of the inputs.' });
    throw validationFailed(errors);
  }
  const webhook = b.webhook === undefined || b.webhook === null ? null : b.webhook;
  if (webhook !== null && typeof webhook !== 'string') {
    errors.push({ param: 'webhook', code: 'invalid_type', message: 'webhook must be a URL.' });
  }
  const filter = b.webhook_events_filter ?? ['output', 'completed'];
  if (!Array.isArray(filter) || filter.some((e) => !EVENTS.includes(e as string))) {
    errors.push({
      param: 'webhook_events_filter',
      code: 'not_allowed',
      message: `webhook_events_filter must be a list of ${EVENTS.join(', ')}.`,
    });
  }
  const sent = Object.fromEntries(
    Object.entries(input as Record<string, unknown>).map(([k, v]) => [k, filesAsAssets(v, publicUrl)]),
  );
  const alias = aliasNamed(name);
  let reelayInput = sent;
  if (alias) {
    const mapped = reelayInputOf(alias, sent);
    errors.push(...mapped.errors);
    reelayInput = mapped.input;
  }
  if (errors.length > 0) throw validationFailed(errors);
  const type = findModel(model)?.type ?? 'video';
  return {
    core: {
      type,
      model,
      input: reelayInput,
      ...(typeof webhook === 'string' ? { webhookUrl: webhook } : {}),
    },
    input: input as Record<string, unknown>,
    webhook: typeof webhook === 'string' ? webhook : null,
    webhookEvents: [...new Set(filter as string[])],
  };
}

/**
 * A Reelay error about the request shape, told in Replicate's words: `input.<Reelay field>` becomes
 * `input.<alias field>` for an alias, and `webhookUrl` becomes `webhook`.
 */
export function inReplicateTerms(error: unknown, name: string, body?: unknown): unknown {
  if (!(error instanceof ApiError) || error.extra.details === undefined) return error;
  const alias = aliasNamed(name);
  const input = (body as { input?: unknown } | undefined)?.input;
  const given = typeof input === 'object' && input !== null ? Object.keys(input) : [];
  const rename = (param: string) => {
    if (param === 'webhookUrl') return 'webhook';
    if (!alias || !param.startsWith('input.')) return param;
    const [field, ...rest] = param.slice('input.'.length).split('.');
    const aliasField = field === undefined ? undefined : aliasFieldOf(alias, field, given);
    return aliasField ? ['input', aliasField, ...rest].join('.') : param;
  };
  const details = error.extra.details.map((d) => {
    const param = rename(d.param);
    const field = param.replace(/^input\./, '');
    const original = d.param.replace(/^input\./, '');
    return {
      ...d,
      param,
      message: param === d.param ? d.message : `${field}: ${d.message.replace(original, field)}`,
    };
  });
  return validationFailed(details);
}
