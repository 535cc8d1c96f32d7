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
import { type Classify, callUpstream, type FetchLike } from '../upstream/call-upstream.ts';
import { parseCallbackBody } from '../upstream/callback-body.ts';
import { UpstreamError, type UpstreamErrorKind } from '../upstream/upstream-error.ts';
import { type MappedCall, mappingOf } from '../upstream/upstream-model.ts';
import { KlingInlineImages } from './kling-inline-images.ts';
import { assessForKling, KLING_MODELS } from './kling-models.ts';
import type { KlingRequest } from './kling-request.ts';
import { KlingToken } from './kling-token.ts';

export interface KlingConfig {
  accessKey: string;
  secretKey: string;
  /** e.g. https://api-singapore.klingai.com; the path /v1/... is appended. */
  baseUrl: string;
  /** Per request. */
  timeoutMs: number;
}

const ENDPOINTS = ['omni-video', 'text2video', 'image2video'] as const;
const pathOf = (endpoint: (typeof ENDPOINTS)[number]) => `/v1/videos/${endpoint}`;

const taskSchema = z.object({
  task_id: z.union([z.string().min(1), z.number()]).transform(String),
  task_status: z.enum(['submitted', 'processing', 'succeed', 'failed']),
  task_status_msg: z.string().nullish(),
  task_info: z.object({ external_task_id: z.string().nullish() }).nullish(),
  task_result: z
    .object({
      videos: z.array(z.object({ url: z.string().min(1), duration: z.string().nullish() })).nullish(),
    })
    .nullish(),
});

const envelopeSchema = z.object({
  code: z.literal(0),
  message: z.string().nullish(),
  request_id: z.string().nullish(),
  data: taskSchema,
});

/** The callback: flat as documented, or inside the usual envelope as one wrapper sends it. */
const callbackSchema = z.union([taskSchema, z.object({ data: taskSchema })]);

const operationSchema = z.object({
  taskId: z.string().min(1),
  externalTaskId: z.string(),
  /** Where the task lives; omni-video when absent. */
  endpoint: z.enum(ENDPOINTS).default('omni-video'),
});

/** Kling's error codes (HTTP status and `code` both carry them) → what the retry policy acts on. */
function kindOfCode(code: number): UpstreamErrorKind | null {
  if (code >= 1000 && code <= 1004) return 'auth';
  if (code === 1100 || code === 1101 || code === 1102) return 'balance';
  if (code === 1103 || code === 1304) return 'auth';
  if (code === 1302 || code === 1303) return 'rate';
  if (code === 1203) return 'not_found';
  if (code >= 1200 && code < 1300) return 'invalid';
  if (code === 1300 || code === 1301) return 'content';
  if (code >= 5000 && code < 6000) return 'server';
  return null;
}

const classify: Classify = ({ status, json, retryAfterMs }) => {
  const body = (typeof json === 'object' && json !== null ? json : {}) as {
    code?: unknown;
    message?: unknown;
  };
  const code = typeof body.code === 'number' ? body.code : null;
  if (code === 0 && status >= 200 && status < 300) return null;
  if (code === null) return null;
  const kind = kindOfCode(code) ?? (status >= 500 ? 'server' : status === 429 ? 'rate' : 'invalid');
  const message = `Kling ${code}: ${typeof body.message === 'string' ? body.message : 'error'}`;
  return new UpstreamError(kind, message, {
    status,
    upstreamCode: String(code),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
};

/** The stored operation; omni-video tasks leave the endpoint out. */
const operationOf = (taskId: string, externalTaskId: string, endpoint: (typeof ENDPOINTS)[number]): Json => ({
  taskId,
  externalTaskId,
  ...(endpoint === 'omni-video' ? {} : { endpoint }),
});

/**
 * What a start sends: the model's request (`models/<model>.ts`) with the callback URL and the generation id as
 * the external_task_id, so Kling refuses a second start of the same generation.
 */
export function klingSubmission(
  call: MappedCall & Pick<StartCall, 'generationId' | 'callbackUrl'>,
): KlingRequest {
  const mapping = mappingOf(KLING_MODELS, call.model);
  if (!mapping) throw new UpstreamError('invalid', `Kling has no ${call.model} here`);
  const { endpoint, body } = mapping.build(call);
  if (call.callbackUrl) body.callback_url = call.callbackUrl;
  body.external_task_id = call.generationId;
  return { endpoint, body };
}

/** Kling's own API (omni-video, text2video, image2video): JWT auth, external_task_id for idempotency, unsigned callbacks. */
export class KlingProvider implements Provider {
  readonly id = 'kling';
  /** Images inline as base64 where no link reaches Kling; videos only by link. */
  readonly files = new KlingInlineImages();
  private readonly token: KlingToken;
  private readonly base: string;

  constructor(private readonly deps: { fetch: FetchLike; now: () => number; config: KlingConfig }) {
    this.token = new KlingToken(deps.config.accessKey, deps.config.secretKey, deps.now);
    this.base = deps.config.baseUrl.replace(/\/+$/, '');
  }

  assess(call: MappedCall): Assessment {
    return assessForKling(call);
  }

  async start(call: StartCall): Promise<{ operation: Json; warnings: Warning[]; upstreamId: string }> {
    const { warnings } = this.assess(call);
    const { endpoint, body } = klingSubmission(call);
    const task = await this.request('POST', pathOf(endpoint), call.signal, body);
    return {
      operation: operationOf(task.task_id, call.generationId, endpoint),
      warnings,
      upstreamId: task.task_id,
    };
  }

  /**
   * Looks the generation up by its external_task_id (Kling takes either id in the task path) on each
   * endpoint a start may have gone to.
   */
  async findStarted(call: {
    generationId: string;
    signal: AbortSignal;
  }): Promise<{ operation: Json; upstreamId: string } | null> {
    for (const endpoint of ENDPOINTS) {
      try {
        const path = `${pathOf(endpoint)}/${encodeURIComponent(call.generationId)}`;
        const task = await this.request('GET', path, call.signal);
        if (task.task_info?.external_task_id !== call.generationId) continue;
        return {
          operation: operationOf(task.task_id, call.generationId, endpoint),
          upstreamId: task.task_id,
        };
      } catch (error) {
        if (!(error instanceof UpstreamError && error.kind === 'not_found')) throw error;
      }
    }
    return null;
  }

  async status(call: { operation: Json; signal: AbortSignal }): Promise<ProviderStatus> {
    const op = operationSchema.parse(call.operation);
    const task = await this.request(
      'GET',
      `${pathOf(op.endpoint)}/${encodeURIComponent(op.taskId)}`,
      call.signal,
    );
    switch (task.task_status) {
      case 'submitted':
        return { state: 'pending', progress: 0 };
      case 'processing':
        return { state: 'pending' };
      case 'succeed': {
        const videos = task.task_result?.videos ?? [];
        if (videos.length === 0) {
          return {
            state: 'failed',
            error: { code: 'no_output', message: 'Kling finished without a video', retryable: false },
          };
        }
        return { state: 'succeeded', outputs: videos.map((v) => ({ url: v.url, mediaType: 'video/mp4' })) };
      }
      default:
        return {
          state: 'failed',
          error: {
            code: 'upstream_task_failed',
            message: `Kling could not make the video: ${task.task_status_msg || 'no reason given'}`,
            retryable: false,
          },
        };
    }
  }

  /** Kling's callbacks are not signed: this only names the task, and the worker re-queries it. */
  async parseCallback(request: CallbackRequest): Promise<{ upstreamId: string }> {
    const body = parseCallbackBody(request.body, callbackSchema, 'Kling callback', 'no task in the body');
    const task = 'data' in body ? body.data : body;
    return { upstreamId: task.task_id };
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal,
    body?: Record<string, Json>,
  ): Promise<z.infer<typeof taskSchema>> {
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await callUpstream({
          fetch: this.deps.fetch,
          method,
          url: `${this.base}${path}`,
          headers: {
            authorization: `Bearer ${await this.token.get()}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          body,
          timeoutMs: this.deps.config.timeoutMs,
          signal,
          now: this.deps.now,
          schema: envelopeSchema,
          classify,
        });
        return answer.data;
      } catch (error) {
        // 1003 (not yet valid) and 1004 (expired): mint a new token and try once more.
        const code = error instanceof UpstreamError ? error.details.upstreamCode : undefined;
        if (attempt === 0 && (code === '1003' || code === '1004')) {
          this.token.drop();
          continue;
        }
        throw error;
      }
    }
  }
}
