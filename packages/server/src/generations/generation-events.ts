import type { Database } from '../db/database.ts';
import { generationStatus } from '../store/generations.ts';
import { FINAL_STATUSES, type GenerationStatus } from './generation-record.ts';

/** NOTIFY channel the events trigger (migration 005) announces `<generationId> <eventId>` on. */
export const EVENTS_CHANNEL = 'reelay_generation_events';

/** A stored status change or progress step of a generation. */
export interface GenerationEvent {
  /** Increases per generation in commit order; the SSE event id. */
  id: number;
  generationId: string;
  type: string;
  status: GenerationStatus;
  progress: number | null;
  createdAt: Date;
}

export const isFinal = (status: GenerationStatus) => FINAL_STATUSES.includes(status);

/**
 * This process's one LISTEN on the events channel, fanned out to in-process watchers by generation id.
 * A change committed by any process reaches the watchers here as soon as PostgreSQL delivers the NOTIFY.
 */
export class GenerationEventHub {
  private readonly watchers = new Map<string, Set<() => void>>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(private readonly db: Database) {}

  async start(): Promise<void> {
    this.unlisten = await this.db.listen(EVENTS_CHANNEL, (payload) => {
      const generationId = payload.split(' ')[0] ?? '';
      for (const wake of this.watchers.get(generationId) ?? []) wake();
    });
  }

  /** Calls `wake` whenever the generation has a new event; returns the unsubscribe. */
  watch(generationId: string, wake: () => void): () => void {
    let set = this.watchers.get(generationId);
    if (!set) {
      set = new Set();
      this.watchers.set(generationId, set);
    }
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.watchers.get(generationId) === set) this.watchers.delete(generationId);
    };
  }

  /**
   * Resolves true once the generation is in a final state, false after `timeoutMs` or an abort.
   * Woken by the events NOTIFY, so it answers as soon as the state is committed anywhere.
   */
  async waitForFinal(generationId: string, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const finalNow = async () => {
      const status = await generationStatus(this.db, generationId);
      return status !== null && isFinal(status);
    };
    let wake: () => void = () => {};
    const unwatch = this.watch(generationId, () => wake());
    const timer = { id: undefined as NodeJS.Timeout | undefined };
    try {
      const stop = new Promise<void>((resolve) => {
        timer.id = setTimeout(resolve, timeoutMs);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      let stopped = false;
      void stop.then(() => {
        stopped = true;
        wake();
      });
      for (;;) {
        const changed = new Promise<void>((resolve) => {
          wake = resolve;
        });
        if (await finalNow()) return true;
        if (stopped) return false;
        await changed;
      }
    } finally {
      clearTimeout(timer.id);
      unwatch();
    }
  }

  async close(): Promise<void> {
    this.watchers.clear();
    await this.unlisten?.();
    this.unlisten = null;
  }
}
