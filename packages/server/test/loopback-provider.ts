import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Json } from '@reelay/catalog';
import { randomBase62 } from '../src/ids.ts';
import type { Provider, ProviderStatus, StartCall, Warning } from '../src/providers/provider.ts';
import { UpstreamError } from '../src/providers/upstream/upstream-error.ts';

interface Task {
  id: string;
  state: string;
  progress: number;
}

/**
 * A provider for tests that talks HTTP to the loopback upstream (test/loopback-upstream.ts): start creates a
 * task, `findStarted` looks one up by generation id after a lost answer, status polls, cancel cancels.
 * Failed calls are thrown as `UpstreamError`s of the kinds the gateway's retry policy decides on. A finished
 * task's output is a prepared media file copied into the worker's output folder, where the gateway adopts it.
 */
export class LoopbackProvider implements Provider {
  readonly id: string;

  constructor(
    private readonly options: {
      baseUrl: string;
      /** A real media file handed back as every task's output. */
      outputFile: string;
      outputMediaType: string;
      /** The gateway's trusted output folder (its render work folder). */
      workDir: string;
      id?: string;
      /** A call with no answer after this is given up as a timeout. */
      requestTimeoutMs?: number;
    },
  ) {
    this.id = options.id ?? 'local';
  }

  private async call(path: string, init: RequestInit & { signal: AbortSignal }): Promise<Task> {
    // A plain timer, not AbortSignal.timeout: Node 20 may collect a timeout signal held only by any().
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.options.requestTimeoutMs ?? 2000);
    const signal = AbortSignal.any([init.signal, timeout.signal]);
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.options.baseUrl}${path}`, { ...init, signal });
      text = await response.text();
    } catch (error) {
      if (init.signal.aborted) throw error;
      const kind = timeout.signal.aborted ? 'timeout' : 'connection';
      throw new UpstreamError(kind, `${path}: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
    const status = response.status;
    if (status === 429) {
      const retryAfterMs = Number(response.headers.get('retry-after') ?? '1') * 1000;
      throw new UpstreamError('rate', `${path}: rate limited`, { status, retryAfterMs });
    }
    if (status === 404) throw new UpstreamError('not_found', `${path}: not found`, { status });
    if (status >= 500) throw new UpstreamError('server', `${path}: answered ${status}`, { status });
    if (!response.ok) throw new UpstreamError('invalid', `${path}: ${status} ${text}`, { status });
    return JSON.parse(text) as Task;
  }

  async start(call: StartCall): Promise<{ operation: Json; warnings: Warning[]; upstreamId: string }> {
    const task = await this.call('/v1/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ generationId: call.generationId, model: call.model, prompt: call.input.prompt }),
      signal: call.signal,
    });
    return { operation: { taskId: task.id }, warnings: [], upstreamId: task.id };
  }

  async findStarted(call: { generationId: string; signal: AbortSignal }) {
    try {
      const task = await this.call(`/v1/tasks?generationId=${encodeURIComponent(call.generationId)}`, {
        method: 'GET',
        signal: call.signal,
      });
      return { operation: { taskId: task.id }, upstreamId: task.id };
    } catch (error) {
      if (error instanceof UpstreamError && error.kind === 'not_found') return null;
      throw error;
    }
  }

  async status(call: { operation: Json; signal: AbortSignal }): Promise<ProviderStatus> {
    const { taskId } = call.operation as { taskId: string };
    const task = await this.call(`/v1/tasks/${taskId}`, { method: 'GET', signal: call.signal });
    if (task.state === 'running') return { state: 'pending', progress: task.progress };
    if (task.state === 'canceled') {
      return {
        state: 'failed',
        error: { code: 'upstream_canceled', message: 'canceled upstream', retryable: false },
      };
    }
    const folder = join(this.options.workDir, `loopback-${taskId}-${randomBase62(8)}`);
    await mkdir(folder, { recursive: true });
    const path = join(folder, 'output');
    await copyFile(this.options.outputFile, path);
    return {
      state: 'succeeded',
      outputs: [{ url: pathToFileURL(path).href, mediaType: this.options.outputMediaType }],
    };
  }

  async cancel(call: { operation: Json; signal: AbortSignal }): Promise<void> {
    const { taskId } = call.operation as { taskId: string };
    await this.call(`/v1/tasks/${taskId}/cancel`, { method: 'POST', signal: call.signal });
  }
}
