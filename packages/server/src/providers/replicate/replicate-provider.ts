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
import { parseCallbackBody } from '../upstream/callback-body.ts';
import { UpstreamError } from '../upstream/upstream-error.ts';
import type { MappedCall } from '../upstream/upstream-model.ts';
import { ReplicateFiles } from './replicate-files.ts';
import { assessForReplicate, replicateMapping } from './replicate-models.ts';
import { verifyReplicateWebhook } from './replicate-webhook.ts';

export interface ReplicateConfig {
  token: string;
  baseUrl: string;
  /** `whsec_…` from GET /v1/webhooks/default/secret; webhooks are refused without it. */
  webhookSecret: string | null;
  timeoutMs: number;
}

const predictionSchema = z.object({
  id: z.string().min(1),
  status: z.enum(['starting', 'processing', 'succeeded', 'failed', 'canceled', 'aborted']),
  output: z.union([z.string(), z.array(z.string()), z.null()]).optional(),
  error: z.unknown().optional(),
});

/** The prediction, and the media type of its outputs when they are not video (image models). */
const operationSchema = z.object({
  predictionId: z.string().min(1),
  mediaType: z.string().default('video/mp4'),
});

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** An image output's type by its file name where it has a known one, else the expected type. */
function outputType(url: string, expected: string): string {
  if (!expected.startsWith('image/')) return expected;
  const ext =
    /\.([a-z0-9]+)$/i.exec(URL.canParse(url) ? new URL(url).pathname : '')?.[1]?.toLowerCase() ?? '';
  return IMAGE_TYPES[ext] ?? expected;
}

const classify: Classify = ({ status, json, retryAfterMs }) => {
  if (status < 400) return null;
  const detail = (json as { detail?: unknown; title?: unknown } | null)?.detail;
  return errorForStatus(
    status,
    `Replicate HTTP ${status}${typeof detail === 'string' ? `: ${detail}` : ''}`,
    retryAfterMs,
  );
};

/** Replicate predictions on official models: create, get, cancel; webhooks signed with HMAC. */
export class ReplicateProvider implements Provider {
  readonly id = 'replicate';
  /** Input files uploaded with the Files API where no link reaches Replicate (through `uploadFetch`, the guarded fetcher). */
  readonly files: ReplicateFiles;
  private readonly base: string;

  constructor(
    private readonly deps: {
      fetch: FetchLike;
      now: () => number;
      config: ReplicateConfig;
      uploadFetch?: FetchLike;
    },
  ) {
    this.base = deps.config.baseUrl.replace(/\/+$/, '');
    this.files = new ReplicateFiles({
      fetch: deps.uploadFetch ?? deps.fetch,
      now: deps.now,
      config: { token: deps.config.token, baseUrl: this.base, timeoutMs: deps.config.timeoutMs },
    });
  }

  /** Replicate reads every media file from a URL; the rest is the model's mapping (`models/<model>.ts`). */
  assess(call: MappedCall): Assessment {
    return assessForReplicate(call);
  }

  /** Async mode (no `Prefer: wait`): video runs for minutes, so the prediction is followed by polling. */
  async start(call: StartCall): Promise<{ operation: Json; warnings: Warning[]; upstreamId: string }> {
    const mapping = replicateMapping(call);
    const { warnings } = assessForReplicate(call);
    const { input, mediaType } = mapping.build(call);
    const body: Record<string, Json> = { input };
    if (call.callbackUrl) {
      body.webhook = call.callbackUrl;
      body.webhook_events_filter = ['completed'];
    }
    const path = `/v1/models/${mapping.endpoint}/predictions`;
    const prediction = await this.call('POST', path, call.signal, body);
    const operation: Json =
      mediaType === null ? { predictionId: prediction.id } : { predictionId: prediction.id, mediaType };
    return { operation, warnings, upstreamId: prediction.id };
  }

  async status(call: { operation: Json; signal: AbortSignal }): Promise<ProviderStatus> {
    const op = operationSchema.parse(call.operation);
    const p = await this.call('GET', `/v1/predictions/${encodeURIComponent(op.predictionId)}`, call.signal);
    switch (p.status) {
      case 'starting':
        return { state: 'pending', progress: 0 };
      case 'processing':
        return { state: 'pending' };
      case 'succeeded': {
        const urls = typeof p.output === 'string' ? [p.output] : (p.output ?? []);
        if (urls.length === 0) {
          return {
            state: 'failed',
            error: { code: 'no_output', message: 'Replicate finished without an output', retryable: false },
          };
        }
        return {
          state: 'succeeded',
          outputs: urls.map((url) => ({ url, mediaType: outputType(url, op.mediaType) })),
        };
      }
      case 'failed':
        return {
          state: 'failed',
          error: {
            code: 'upstream_task_failed',
            message: `Replicate could not make the ${op.mediaType.startsWith('image/') ? 'image' : 'video'}: ${typeof p.error === 'string' ? p.error : 'no reason given'}`,
            retryable: false,
          },
        };
      default:
        return {
          state: 'failed',
          error: {
            code: 'upstream_canceled',
            message: `Replicate reports the prediction ${p.status}`,
            retryable: false,
          },
        };
    }
  }

  async cancel(call: { operation: Json; signal: AbortSignal }): Promise<void> {
    const op = operationSchema.parse(call.operation);
    await this.call('POST', `/v1/predictions/${encodeURIComponent(op.predictionId)}/cancel`, call.signal);
  }

  async parseCallback(request: CallbackRequest): Promise<{ upstreamId: string }> {
    if (this.deps.config.webhookSecret === null) {
      throw new UpstreamError('auth', 'Replicate webhook: no signing secret is configured');
    }
    verifyReplicateWebhook(request, this.deps.config.webhookSecret, this.deps.now());
    const prediction = parseCallbackBody(
      request.body,
      predictionSchema,
      'Replicate webhook',
      'not a prediction',
    );
    return { upstreamId: prediction.id };
  }

  private call(
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal,
    body?: Record<string, Json>,
  ): Promise<z.infer<typeof predictionSchema>> {
    return callUpstream({
      fetch: this.deps.fetch,
      method,
      url: `${this.base}${path}`,
      headers: {
        authorization: `Bearer ${this.deps.config.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body,
      timeoutMs: this.deps.config.timeoutMs,
      signal,
      now: this.deps.now,
      schema: predictionSchema,
      classify,
    });
  }
}
