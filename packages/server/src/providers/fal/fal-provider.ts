import type { Json } from '@reelay/catalog';
import { z } from 'zod';
import type {
  Assessment,
  CallbackRequest,
  Provider,
  ProviderStatus,
  StartCall,
  Warning,
} from '../provider.ts';
import { type Classify, callUpstream, errorForStatus, type FetchLike } from '../upstream/call-upstream.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import type { MappedCall } from '../upstream/upstream-model.ts';
import { assessForFal, falRequest } from './fal-models.ts';
import { FalStorage } from './fal-storage.ts';
import { FalWebhookVerifier } from './fal-webhook.ts';

export interface FalConfig {
  key: string;
  /** The queue's origin, e.g. https://queue.fal.run. */
  queueUrl: string;
  jwksUrl: string;
  /** Webhooks from any other fal user are refused; null accepts any signed by fal. */
  userId: string | null;
  timeoutMs: number;
  /** fal's REST origin for storage uploads; unset: https://rest.fal.ai. */
  storageUrl?: string;
  /** How long fal keeps an input file uploaded to it; unset: a day. */
  uploadLifetimeSeconds?: number;
}

const submitSchema = z.object({
  request_id: z.string().min(1),
  status_url: z.string().url(),
  response_url: z.string().url(),
  cancel_url: z.string().url(),
});

const statusSchema = z.object({
  status: z.enum(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED']),
  queue_position: z.number().nullish(),
});

const fileSchema = z.object({ url: z.string().min(1), content_type: z.string().nullish() });

/** A video model's result (`video`) or an image model's (`images`, at least one). */
const resultSchema = z.union([
  z.object({ video: fileSchema }),
  z.object({ images: z.array(fileSchema).min(1) }),
]);

const operationSchema = z.object({
  requestId: z.string(),
  statusUrl: z.string(),
  responseUrl: z.string(),
  cancelUrl: z.string(),
});

function detailOf(json: unknown): string {
  const detail = (json as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((d) =>
        typeof d === 'object' && d && 'msg' in d ? String((d as { msg: unknown }).msg) : String(d),
      )
      .join('; ');
  }
  return '';
}

const classify: Classify = ({ status, json, retryAfterMs }) => {
  if (status < 400) return null;
  const detail = detailOf(json);
  const message = `fal HTTP ${status}${detail ? `: ${detail}` : ''}`;
  // fal locks a user whose balance is exhausted (403 "User is locked. Reason: Exhausted balance").
  if ((status === 402 || status === 403) && /balance|credit|locked/i.test(detail)) {
    return new UpstreamError('balance', message, { status });
  }
  return errorForStatus(status, message, retryAfterMs);
};

/** fal's queue: submit, status, result, cancel; webhooks signed with Ed25519. */
export class FalProvider implements Provider {
  readonly id = 'fal';
  /** Input files uploaded to fal's storage where no link reaches fal (through `uploadFetch`, the guarded fetcher). */
  readonly files: FalStorage;
  private readonly origin: string;
  private readonly webhooks: FalWebhookVerifier;

  constructor(
    private readonly deps: {
      fetch: FetchLike;
      now: () => number;
      config: FalConfig;
      uploadFetch?: FetchLike;
    },
  ) {
    this.files = new FalStorage({
      fetch: deps.uploadFetch ?? deps.fetch,
      now: deps.now,
      config: {
        key: deps.config.key,
        storageUrl: (deps.config.storageUrl ?? 'https://rest.fal.ai').replace(/\/+$/, ''),
        timeoutMs: deps.config.timeoutMs,
        lifetimeSeconds: deps.config.uploadLifetimeSeconds ?? 86_400,
      },
    });
    this.origin = new URL(deps.config.queueUrl).origin;
    this.webhooks = new FalWebhookVerifier({
      fetch: deps.fetch,
      now: deps.now,
      jwksUrl: deps.config.jwksUrl,
      userId: deps.config.userId,
      timeoutMs: deps.config.timeoutMs,
    });
  }

  /** fal reads every media file from a URL; the rest is the model's mapping (`models/<model>.ts`). */
  assess(call: MappedCall): Assessment {
    return assessForFal(call);
  }

  async start(call: StartCall): Promise<{ operation: Json; warnings: Warning[]; upstreamId: string }> {
    const { warnings } = assessForFal(call);
    const { endpoint, body } = falRequest(call);
    const url = new URL(`${this.origin}/${endpoint}`);
    if (call.callbackUrl) url.searchParams.set('fal_webhook', call.callbackUrl);
    const answer = await this.call('POST', url.href, call.signal, submitSchema, body);
    return {
      operation: {
        requestId: answer.request_id,
        statusUrl: answer.status_url,
        responseUrl: answer.response_url,
        cancelUrl: answer.cancel_url,
      },
      warnings,
      upstreamId: answer.request_id,
    };
  }

  async status(call: { operation: Json; signal: AbortSignal }): Promise<ProviderStatus> {
    const op = operationSchema.parse(call.operation);
    const state = await this.call('GET', op.statusUrl, call.signal, statusSchema);
    if (state.status === 'IN_QUEUE') return { state: 'pending', progress: 0 };
    if (state.status === 'IN_PROGRESS') return { state: 'pending' };
    try {
      const result = await this.call('GET', op.responseUrl, call.signal, resultSchema);
      if ('video' in result) {
        return {
          state: 'succeeded',
          outputs: [{ url: result.video.url, mediaType: result.video.content_type ?? 'video/mp4' }],
        };
      }
      return {
        state: 'succeeded',
        outputs: result.images.map((i) => ({ url: i.url, mediaType: i.content_type ?? 'image/png' })),
      };
    } catch (error) {
      // A model error comes back as the result: the request ran and failed.
      if (error instanceof UpstreamError && (error.kind === 'invalid' || error.kind === 'content')) {
        return {
          state: 'failed',
          error: { code: 'upstream_task_failed', message: error.message, retryable: false },
        };
      }
      throw error;
    }
  }

  async cancel(call: { operation: Json; signal: AbortSignal }): Promise<void> {
    const op = operationSchema.parse(call.operation);
    try {
      await this.call('PUT', op.cancelUrl, call.signal, z.unknown());
    } catch (error) {
      // 400 ALREADY_COMPLETED and 404 NOT_FOUND: nothing left to stop.
      if (error instanceof UpstreamError && (error.kind === 'invalid' || error.kind === 'not_found')) return;
      throw error;
    }
  }

  async parseCallback(request: CallbackRequest): Promise<{ upstreamId: string }> {
    return { upstreamId: await this.webhooks.verify(request) };
  }

  private async call<T>(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    signal: AbortSignal,
    schema: z.ZodType<T>,
    body?: Record<string, Json>,
  ): Promise<T> {
    // The key goes only to the configured queue, whatever URL an answer names.
    if (new URL(url).origin !== this.origin) {
      throw new UpstreamError('malformed', `fal named a URL outside its queue: ${new URL(url).origin}`);
    }
    return callUpstream({
      fetch: this.deps.fetch,
      method,
      url,
      headers: {
        authorization: `Key ${this.deps.config.key}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body,
      timeoutMs: this.deps.config.timeoutMs,
      signal,
      now: this.deps.now,
      schema,
      classify,
    });
  }
}
