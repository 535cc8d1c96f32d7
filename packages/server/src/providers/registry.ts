import type { KeyMode } from '../billing/api-keys.ts';
import type { Provider } from './provider.ts';

interface Entry {
  provider: Provider;
  pollIntervalMs: number;
}

/** The providers this gateway can run on, and which one a generation goes to. */
export class ProviderRegistry {
  private readonly entries = new Map<string, Entry>();

  register(provider: Provider, options: { pollIntervalMs: number }): this {
    this.entries.set(provider.id, { provider, ...options });
    return this;
  }

  get(id: string): Provider {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`provider ${id} is not configured on this gateway`);
    return entry.provider;
  }

  /** Closes every provider, e.g. stops local renders when the process shuts down. */
  async close(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.provider.close?.()));
  }

  pollIntervalMs(id: string): number {
    return this.entries.get(id)?.pollIntervalMs ?? 1000;
  }

  /**
   * The provider a generation runs on. Test keys always run on the local renderer; until upstream
   * adapters are configured, live keys do too, and the generation says so (`provider: "local"`).
   */
  route(_model: string, _mode: KeyMode): string {
    return 'local';
  }
}
