import { access, readdir, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Json } from '@reelay/catalog';
import { randomBase62 } from '../../ids.ts';
import type { LocalRenders, RenderRun } from '../../store/local-renders.ts';
import type { Provider, ProviderStatus, StartCall, Warning } from '../provider.ts';
import { renderAudio } from './render-audio.ts';
import { renderImage } from './render-image.ts';
import { outputOf, type RenderSpec, renderSpecFor } from './render-spec.ts';
import { RenderError, renderVideo } from './render-video.ts';

/** What is stored on the generation: the render's id and everything it needs, so any worker can run it. */
interface Operation {
  renderId: string;
  /** Absent in operations stored before renders were shared: the render id is the generation's. */
  generationId?: string;
  spec: RenderSpec;
}

/** A run this process renders, or has rendered and keeps the output of, in `workDir/<folder>/`. */
interface HeldRun {
  folder: string;
  rendering: boolean;
  progress: number;
  abort: AbortController;
  done: Promise<void>;
}

const SAFE_ID = /^[A-Za-z0-9_-]+$/;

function parseOperation(operation: Json): Operation {
  const op = operation as Partial<Operation> | null;
  if (
    !op ||
    typeof op.renderId !== 'string' ||
    !SAFE_ID.test(op.renderId) ||
    (op.generationId !== undefined && typeof op.generationId !== 'string') ||
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
 * The built-in provider: renders real media offline with ffmpeg, and behaves like an upstream across worker
 * processes. The render (the operation stored on the generation) runs as rows of `local_renders` every worker
 * sees: a worker checking a render that has no run starts one, but only when this process has a free render slot
 * (at most `maxConcurrent` at once; otherwise it leaves the render to a worker that has one); a worker finding a
 * run another live process renders waits for it. The process running a render renews its lease every third of
 * `leaseMs` while it renders and while it keeps the output, so a run whose process died is taken over by one
 * worker once its lease lapses. Run folders (`workDir/<renderId>-<run>/`) are removed once the output is stored
 * (by the worker that stores it), when the generation ends, when a run is lost, and, for those a dead process
 * left, by the sweep every process makes of its renders folder as it renews.
 */
/**
 * How long work waiting for a render slot waits before it looks again: the run that frees a slot (ended or
 * stopped) wakes the work that has waited longest, so this only covers slots freed otherwise (another process's).
 * A burst of work polled every 200 ms kept the one embedded database session busy with nothing but looks.
 */
const SLOT_WAIT_MS = 3000;

export class LocalProvider implements Provider {
  readonly id = 'local';
  readonly startIsIdempotent = true;
  /** Runs of this process, by folder. */
  private readonly held = new Map<string, HeldRun>();
  private active = 0;
  private readonly workDir: string;
  private readonly owner = `${hostname()}:${process.pid}:${randomBase62(8)}`;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly options: {
      workDir: string;
      ffmpegPath: string;
      /** Where every worker records renders and their runs. */
      renders: LocalRenders;
      maxConcurrent?: number;
      /** How long a run stays its process's without renewal (default 60 s). */
      leaseMs?: number;
    },
  ) {
    this.workDir = resolve(options.workDir);
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 60_000;
  }

  async start(call: StartCall): Promise<{ operation: Json; warnings: Warning[] }> {
    // Nothing is rendered yet: the first status check starts the render where a slot is free.
    const operation: Operation = {
      renderId: `${call.generationId}-${randomBase62(6)}`,
      generationId: call.generationId,
      spec: renderSpecFor(call),
    };
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
    const latest = await this.options.renders.latest(op.renderId);
    let outputGone = false;
    if (latest) {
      const mine = this.held.get(latest.folder);
      if (mine?.rendering) return { state: 'pending', progress: mine.progress };
      if (latest.state === 'failed') {
        return {
          state: 'failed',
          error: { code: 'render_failed', message: latest.error ?? 'The render failed.', retryable: false },
        };
      }
      if (latest.state === 'done') {
        const output = this.outputPath(latest, op.spec);
        if (await exists(output)) {
          return {
            state: 'succeeded',
            outputs: [{ url: pathToFileURL(output).href, mediaType: outputOf(op.spec).mediaType }],
          };
        }
        // Kept in the renders folder of another live process, which this one does not see: it is stored when that
        // process's worker checks. A folder seen here without its output lost it to a worker that died storing it.
        const seen = await exists(join(this.workDir, latest.folder));
        if (latest.live && latest.owner !== this.owner && !seen) return { state: 'pending', progress: 1 };
        outputGone = latest.live;
      } else if (latest.state === 'rendering' && latest.live) {
        return { state: 'pending', progress: latest.progress };
      }
    }
    // Never run, or its process is gone: run it here, but only with a free slot, so that a worker that cannot
    // render it now never holds it.
    if (this.closed || this.active >= (this.options.maxConcurrent ?? 2)) {
      // Woken when a run ends (LocalRenders `finish`/`fail`); the rare look is for a slot freed otherwise.
      return { state: 'pending', progress: latest?.progress ?? 0, askAgainMs: SLOT_WAIT_MS };
    }
    this.active++;
    let claimed: { run: number; folder: string } | null;
    try {
      claimed = await this.options.renders.claim({
        renderId: op.renderId,
        generationId: op.generationId ?? op.renderId,
        owner: this.owner,
        leaseMs: this.leaseMs,
        outputGone,
      });
    } catch (error) {
      this.active--;
      throw error;
    }
    if (!claimed) {
      this.active--;
      return { state: 'pending', progress: latest?.progress ?? 0 };
    }
    if (latest && latest.state !== 'failed') {
      // The lost run's leftovers, when its folder is here.
      await rm(join(this.workDir, latest.folder), { recursive: true, force: true }).catch(() => undefined);
    }
    this.launch(op.spec, claimed.folder);
    return { state: 'pending', progress: 0 };
  }

  async cancel(call: { operation: Json; signal?: AbortSignal }): Promise<void> {
    const op = parseOperation(call.operation);
    const latest = await this.options.renders.latest(op.renderId);
    if (!latest) return;
    const mine = this.held.get(latest.folder);
    if (mine) {
      mine.abort.abort();
      await mine.done;
      this.held.delete(latest.folder);
    }
    // A run of another process stops at its next renewal, which finds the generation ended.
    await rm(join(this.workDir, latest.folder), { recursive: true, force: true });
  }

  /**
   * Starts the upkeep of a worker process, every third of a lease until closed: renewing its runs' leases,
   * stopping runs that were taken over or whose generation ended, and sweeping its renders folder of what no run
   * needs (also the leftovers of processes that died). A process that renders starts it by itself.
   */
  startWork(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(
      () => {
        this.ticking = this.ticking
          .then(() => this.tick())
          .catch((error: unknown) => {
            process.emitWarning(
              `local renderer upkeep failed: ${(error as Error).message}`,
              'ReelayRenderWarning',
            );
          });
      },
      Math.max(100, Math.floor(this.leaseMs / 3)),
    );
    this.timer.unref();
  }

  /**
   * Stops every render of this process and gives up its leases at once, so another worker takes its renders
   * over without waiting; finished outputs stay for a worker sharing the folder to store.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    const runs = [...this.held.values()];
    for (const r of runs) if (r.rendering) r.abort.abort();
    await Promise.all(runs.map((r) => r.done));
    await this.options.renders
      .release(
        this.owner,
        runs.map((r) => r.folder),
      )
      .catch(() => undefined);
    this.held.clear();
    await this.sweep().catch(() => undefined);
  }

  /** One renewal of this process's leases, then one sweep of its renders folder. */
  private async tick(): Promise<void> {
    const runs = [...this.held.values()];
    if (runs.length > 0) {
      const progress = Object.fromEntries(runs.map((r) => [r.folder, r.progress]));
      const kept = new Set(
        await this.options.renders.renew(
          this.owner,
          runs.map((r) => r.folder),
          this.leaseMs,
          progress,
        ),
      );
      for (const r of runs) {
        if (kept.has(r.folder) || this.held.get(r.folder) !== r) continue;
        // Taken over, or its generation ended: stopped, and its folder removed.
        r.abort.abort();
        await r.done;
        this.held.delete(r.folder);
        await rm(join(this.workDir, r.folder), { recursive: true, force: true });
      }
    }
    await this.sweep();
  }

  /** Removes the folders in the renders folder that no run needs any more (leftovers of ended or lost runs). */
  private async sweep(): Promise<void> {
    const entries = await readdir(this.workDir, { withFileTypes: true }).catch(() => []);
    const others = entries
      .filter((e) => e.isDirectory() && SAFE_ID.test(e.name) && !this.held.has(e.name))
      .map((e) => e.name);
    for (const folder of await this.options.renders.disposable(others)) {
      if (!this.held.has(folder)) await rm(join(this.workDir, folder), { recursive: true, force: true });
    }
  }

  private outputPath(run: RenderRun, spec: RenderSpec): string {
    return join(this.workDir, run.folder, `output.${outputOf(spec).ext}`);
  }

  /** Renders a claimed run in the slot taken for it. */
  private launch(spec: RenderSpec, folder: string): void {
    const abort = new AbortController();
    const entry: HeldRun = { folder, rendering: true, progress: 0, abort, done: Promise.resolve() };
    this.held.set(folder, entry);
    this.startWork();
    const { renders } = this.options;
    const dir = join(this.workDir, folder);
    entry.done = (async () => {
      let failure: unknown = null;
      try {
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
        if (abort.signal.aborted) throw abort.signal.reason;
      } catch (error) {
        failure = error ?? new Error('render failed');
      } finally {
        // The slot is free once the render is: the generation the record below wakes can take it at once.
        entry.rendering = false;
        this.active--;
      }
      if (failure === null) {
        try {
          entry.progress = 1;
          // Recording the run done also makes its generation due, so its output is stored without waiting.
          if (await renders.finish(this.owner, folder, this.leaseMs)) return;
          // No longer this process's run: nothing was recorded, so the freed slot is announced here.
          await renders.slotFreed().catch(() => undefined);
          await this.drop(entry);
          return;
        } catch (error) {
          failure = error;
        }
      }
      // Only the renderer's own words reach the client; any other error (sharp's, the file system's) may name a
      // server path, so it goes to the process's warnings and the client reads a plain sentence.
      if (!abort.signal.aborted) {
        let message = 'The local renderer could not make this output from its inputs.';
        if (failure instanceof RenderError) message = failure.message;
        else
          process.emitWarning(
            `local render ${folder} failed: ${(failure as Error).message}`,
            'ReelayRenderWarning',
          );
        await renders.fail(this.owner, folder, message).catch(() => undefined);
      } else {
        // Stopped (its generation was canceled or ended, or another process took the run over): no end is
        // recorded, so the work waiting longest for a slot is woken here rather than at its next look.
        await renders.slotFreed().catch(() => undefined);
      }
      await this.drop(entry);
    })();
  }

  /** Forgets a run of this process and removes its folder. */
  private async drop(entry: HeldRun): Promise<void> {
    if (this.held.get(entry.folder) === entry) this.held.delete(entry.folder);
    await rm(join(this.workDir, entry.folder), { recursive: true, force: true });
  }
}
