import { access, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Json } from '@reelay/catalog';
import type { Provider, ProviderStatus, StartCall, Warning } from '../provider.ts';
import { renderAudio } from './render-audio.ts';
import { renderImage } from './render-image.ts';
import { outputOf, type RenderSpec, renderSpecFor } from './render-spec.ts';
import { RenderError, renderVideo } from './render-video.ts';

interface Operation {
  renderId: string;
  spec: RenderSpec;
}

interface Running {
  progress: number;
  abort: AbortController;
  done: Promise<void>;
}

function parseOperation(operation: Json): Operation {
  const op = operation as Partial<Operation> | null;
  if (
    !op ||
    typeof op.renderId !== 'string' ||
    !/^[A-Za-z0-9_-]+$/.test(op.renderId) ||
    typeof op.spec !== 'object'
  ) {
    throw new Error('not an operation of the local renderer');
  }
  return op as Operation;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * The built-in provider: renders real media offline with ffmpeg. Renders run in the background, at most
 * `maxConcurrent` at once; their files live in `workDir/<renderId>/`. A render lost with its process is
 * started again by the next `status` call, so any worker can resume it from the stored operation.
 */
export class LocalProvider implements Provider {
  readonly id = 'local';
  readonly startIsIdempotent = true;
  private readonly running = new Map<string, Running>();
  private readonly failures = new Map<string, string>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private readonly workDir: string;

  constructor(private readonly options: { workDir: string; ffmpegPath: string; maxConcurrent?: number }) {
    this.workDir = resolve(options.workDir);
  }

  async start(call: StartCall): Promise<{ operation: Json; warnings: Warning[] }> {
    const operation: Operation = { renderId: call.generationId, spec: renderSpecFor(call) };
    this.failures.delete(operation.renderId);
    this.launch(operation);
    return {
      operation: operation as unknown as Json,
      warnings: [
        {
          code: 'local_render',
          message: `Rendered offline by Reelay's local renderer as a stand-in for ${call.model}.`,
        },
      ],
    };
  }

  async status(call: { operation: Json; signal?: AbortSignal }): Promise<ProviderStatus> {
    const op = parseOperation(call.operation);
    const format = outputOf(op.spec);
    const output = join(this.workDir, op.renderId, `output.${format.ext}`);
    if (await exists(output)) {
      return {
        state: 'succeeded',
        outputs: [{ url: pathToFileURL(output).href, mediaType: format.mediaType }],
      };
    }
    const failure = this.failures.get(op.renderId);
    if (failure !== undefined) {
      this.failures.delete(op.renderId);
      return { state: 'failed', error: { code: 'render_failed', message: failure, retryable: false } };
    }
    const running = this.running.get(op.renderId);
    if (running) return { state: 'pending', progress: running.progress };
    this.launch(op);
    return { state: 'pending', progress: 0 };
  }

  async cancel(call: { operation: Json; signal?: AbortSignal }): Promise<void> {
    const op = parseOperation(call.operation);
    const running = this.running.get(op.renderId);
    if (running) {
      running.abort.abort();
      await running.done;
    }
    await rm(join(this.workDir, op.renderId), { recursive: true, force: true });
  }

  /** Stops every render of this process; a later status call from any process starts it again. */
  async close(): Promise<void> {
    const running = [...this.running.values()];
    for (const r of running) r.abort.abort();
    await Promise.all(running.map((r) => r.done));
  }

  private async slot(): Promise<void> {
    if (this.active < (this.options.maxConcurrent ?? 2)) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private freeSlot(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  private launch(op: Operation): void {
    if (this.running.has(op.renderId)) return;
    const abort = new AbortController();
    const entry: Running = { progress: 0, abort, done: Promise.resolve() };
    this.running.set(op.renderId, entry);
    entry.done = (async () => {
      await this.slot();
      try {
        if (abort.signal.aborted) return;
        const dir = join(this.workDir, op.renderId);
        const { spec } = op;
        const ffmpeg = { ffmpegPath: this.options.ffmpegPath, signal: abort.signal };
        if (spec.kind === 'image') await renderImage(spec, dir);
        else if (spec.kind === 'audio') await renderAudio(spec, dir, ffmpeg);
        else
          await renderVideo(spec, dir, {
            ...ffmpeg,
            onProgress: (p) => {
              entry.progress = p;
            },
          });
      } catch (error) {
        // Only the renderer's own words reach the client; any other error (sharp's, the file system's) may name a
        // server path, so it goes to the process's warnings and the client reads a plain sentence.
        if (!abort.signal.aborted) {
          if (error instanceof RenderError) this.failures.set(op.renderId, error.message);
          else {
            process.emitWarning(
              `local render ${op.renderId} failed: ${(error as Error).message}`,
              'ReelayRenderWarning',
            );
            this.failures.set(op.renderId, 'The local renderer could not make this output from its inputs.');
          }
        }
      } finally {
        this.freeSlot();
        this.running.delete(op.renderId);
      }
    })();
  }
}
