import type { Quote } from '@reelay/catalog';
import type { KeyMode } from '../key-mode.ts';
import { DEFAULT_ROUTES } from './upstream-models.ts';

/** How the operator shapes routing. */
export interface RoutingOptions {
  /** model id → ordered provider ids, replacing that model's default route (reorders or disables). */
  routes: Readonly<Record<string, readonly string[]>>;
  /** provider id → generations it may run at once, counted across every process. */
  caps: Readonly<Record<string, number>>;
  /**
   * provider id → model id → variant → what the operator pays there per billed unit (per second or
   * flat, as the model's price), in thousandths of a token. Unset: taken to be within the quote.
   */
  costs: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, number>>>>>>;
  /** Whether a model's route to a provider still runs (not retired, not past its shutdown); unset: every one does. */
  routeOpen?: (model: string, provider: string) => boolean;
}

export const NO_ROUTING: RoutingOptions = { routes: {}, caps: {}, costs: {} };

/** The ordered providers of each model, with their caps and costs. */
export class ProviderRoutes {
  constructor(
    private readonly options: RoutingOptions,
    /** Providers registered on this gateway (configured with credentials, or `local`). */
    private readonly enabled: (id: string) => boolean,
  ) {}

  /**
   * The providers a generation may run on, in order. Test keys always run on `local` and never reach an
   * upstream; live keys run on the model's enabled upstreams, or on `local` when none is configured. A route
   * retired or past its shutdown is left out before anything is tried; when that leaves none of the enabled
   * upstreams, there is no candidate at all (the create is refused as for a retired model).
   */
  candidates(model: string, mode: KeyMode): string[] {
    if (mode === 'test') return ['local'];
    const route = this.options.routes[model] ?? DEFAULT_ROUTES[model] ?? [];
    const enabled = route.filter((id) => this.enabled(id));
    const open = enabled.filter((id) => this.options.routeOpen?.(model, id) ?? true);
    if (open.length > 0) return [...new Set(open)];
    return enabled.length > 0 ? [] : ['local'];
  }

  /** Most generations `provider` may run at once, or null for no cap. */
  capOf(provider: string): number | null {
    return this.options.caps[provider] ?? null;
  }

  /** Whether running this quote on `provider` costs no more than the quote (unknown costs are taken as within). */
  withinQuote(provider: string, model: string, variant: string, quote: Quote): boolean {
    const unit = this.options.costs[provider]?.[model]?.[variant];
    if (unit === undefined) return true;
    const cost = quote.seconds !== undefined ? unit * quote.seconds : unit;
    return cost <= quote.milliTokens;
  }
}
