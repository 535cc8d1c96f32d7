import type { KeyMode } from '../key-mode.ts';
import type { Provider } from './provider.ts';
import { NO_ROUTING, ProviderRoutes, type RoutingOptions } from './routes.ts';

interface Entry {
  provider: Provider;
  pollIntervalMs: number;
}

/** The providers this gateway can run on, and which one a generation goes to. */
export class ProviderRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Routes, caps and costs; set by `routing()` (default: every model on its default route). */
  routes = new ProviderRoutes(NO_ROUTING, (id) => this.entries.has(id));

  /** Sets how models are routed over the registered providers. */
  routing(options: RoutingOptions): this {
    this.routes = new ProviderRoutes(options, (id) => this.entries.has(id));
    return this;
  }

  register(provider: Provider, options: { pollIntervalMs: number }): this {
    this.entries.set(provider.id, { provider, ...options });
    return this;
  }

  /** The ids of every registered provider, in the order they were registered. */
  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** The provider with this id, or null when it is not configured here. */
  find(id: string): Provider | null {
    return this.entries.get(id)?.provider ?? null;
  }

  get(id: string): Provider {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`provider ${id} is not configured on this gateway`);
    return entry.provider;
  }

  /** Starts what the providers do in the background of a worker process. */
  startWork(): void {
    for (const e of this.entries.values()) e.provider.startWork?.();
  }

  /** Closes every provider, e.g. stops local renders when the process shuts down. */
  async close(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.provider.close?.()));
  }

  pollIntervalMs(id: string): number {
    return this.entries.get(id)?.pollIntervalMs ?? 1000;
  }

  /**
   * The provider a new generation is meant for: the first of its route. Test keys always run on the local
   * renderer; live keys too when no upstream is configured for the model (the generation says so).
   * The worker may still fail over along the route (worker/route-generation.ts).
   */
  route(model: string, mode: KeyMode): string {
    return this.routes.candidates(model, mode)[0] ?? 'local';
  }
}
