import type { Json } from '@reelay/catalog';
import type { Provider, ProviderStatus, StartCall } from '../../packages/server/src/providers/provider.ts';

export interface LoopbackOptions {
  /** `http://127.0.0.1:PORT/v1` of bench/lib/upstream-main.ts. */
  baseUrl: string;
  /** `tasks`: submit then poll; `openai-images`: one synchronous images/generations call. */
  protocol: 'tasks' | 'openai-images';
  /** Registered as `local` so test keys, which always run on `local`, reach it. */
  id?: string;
  fetch?: typeof fetch;
}

/**
 * A benchmark-only provider for bench/lib/upstream-main.ts: on success it hands back the upstream's output URL,
 * which the worker downloads (size-capped, hashed as it streams), sniffs, probes and stores, as it does an
 * upstream adapter's output.
 */
export class LoopbackProvider implements Provider {
  readonly id: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: LoopbackOptions) {
    this.id = options.id ?? 'local';
    this.fetch = options.fetch ?? fetch;
  }

  async start(call: StartCall): Promise<{ operation: Json; warnings: [] }> {
    if (this.options.protocol === 'openai-images') {
      const r = await this.post(
        '/images/generations',
        { model: call.model, prompt: call.input.prompt },
        call.signal,
      );
      const url = (r as { data: { url: string }[] }).data[0]?.url;
      if (!url) throw new Error('images/generations returned no image');
      return { operation: { url }, warnings: [] };
    }
    const r = (await this.post('/tasks', { external_id: call.idempotencyKey }, call.signal)) as {
      id: string;
    };
    return { operation: { task: r.id }, warnings: [] };
  }

  async status(call: { operation: Json; signal: AbortSignal }): Promise<ProviderStatus> {
    const op = call.operation as { task?: string; url?: string };
    let url = op.url;
    if (op.task !== undefined) {
      const r = await this.fetch(`${this.options.baseUrl}/tasks/${op.task}`, { signal: call.signal });
      if (!r.ok) throw new Error(`task status answered ${r.status}`);
      const body = (await r.json()) as { status: string; output_url?: string };
      if (body.status !== 'succeeded') return { state: 'pending' };
      url = body.output_url;
    }
    if (!url) throw new Error('no output url');
    // The worker downloads it, as it does an upstream adapter's output URL.
    return { state: 'succeeded', outputs: [{ url, mediaType: 'image/png' }] };
  }

  private async post(path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
    const r = await this.fetch(`${this.options.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal,
    });
    if (!r.ok) throw new Error(`${path} answered ${r.status}`);
    return r.json();
  }
}
