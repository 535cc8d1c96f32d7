import type {
  UpstreamEndpointCheck,
  UpstreamFinding,
  UpstreamRouteCheck,
  UpstreamsCheckReport,
} from '@reelay/contract';
import type { UpstreamsConfig } from '../config.ts';
import type { FetchLike } from '../providers/upstream/call-upstream.ts';
import type { UpstreamModel } from '../providers/upstream/upstream-model.ts';
import { type HostedModel, hostedModels, UPSTREAM_MODELS } from '../providers/upstream-models.ts';
import { compareInput, comparePrice, type PublishedPrice } from './compare-input.ts';
import { type ReadSchema, readFalPrices, readFalSchema, readReplicateSchema } from './published-sources.ts';
import { REQUEST_BODIES } from './request-bodies.ts';
import { type SentEndpoint, sentFields } from './sent-fields.ts';

/** What a check reads from: the upstreams as configured, and the fetch every request goes through. */
export interface UpstreamsCheckDeps {
  upstreams: Pick<UpstreamsConfig, 'fal' | 'replicate' | 'timeoutMs'>;
  /** The guarded outbound fetch. */
  fetch: FetchLike;
  now: () => number;
}

/** Which routes to check; unset: every one. */
export interface CheckScope {
  models?: readonly string[];
  upstreams?: readonly string[];
}

const KLING_REASON =
  'Kling publishes no machine-readable schema of its API (its reference is HTML pages), so there is nothing to compare.';

/** Requests to upstreams at once. */
const PARALLEL = 4;

/** Runs `tasks` at most `n` at a time, keeping their order. */
async function pooled<T>(tasks: (() => Promise<T>)[], n: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
  return out;
}

const sentCache = new Map<string, SentEndpoint[]>();

/** What a route's mapping sends (found once per process: it depends on the code only). */
function sentOf(route: HostedModel, mapping: UpstreamModel<unknown>): SentEndpoint[] {
  const key = `${route.upstream}/${route.model}`;
  let sent = sentCache.get(key);
  if (!sent) {
    sent = sentFields(mapping, REQUEST_BODIES[route.upstream]);
    sentCache.set(key, sent);
  }
  return sent;
}

type PriceLookup = { prices: Map<string, PublishedPrice>; error: null } | { prices: null; error: string };

/**
 * `reelay upstreams check`: compares every route's mapping (what it sends, found by running it over the catalog's
 * inputs) with the input schema and price its upstream publishes, and reports the differences per route. A
 * failure to read an upstream is reported on its endpoint; it never stops the rest.
 */
export class UpstreamsCheck {
  constructor(private readonly deps: UpstreamsCheckDeps) {}

  async run(scope: CheckScope = {}): Promise<UpstreamsCheckReport> {
    const routes = hostedModels().filter(
      (r) =>
        (!scope.models || scope.models.includes(r.model)) &&
        (!scope.upstreams || scope.upstreams.includes(r.upstream)),
    );
    const sent = new Map<HostedModel, SentEndpoint[] | string>();
    for (const route of routes) {
      if (route.upstream === 'kling') continue;
      // Running a mapping over its inputs takes up to a fifth of a second the first time: let requests in between.
      await new Promise((resolve) => setImmediate(resolve));
      const mapping = UPSTREAM_MODELS[route.upstream][route.model] as UpstreamModel<unknown>;
      try {
        sent.set(route, sentOf(route, mapping));
      } catch (error) {
        sent.set(route, `what the mapping sends could not be found: ${(error as Error).message}`);
      }
    }
    const falPrices = await this.falPrices(routes, sent);
    // One route at a time, each reading its endpoints a few at once.
    const checked: UpstreamRouteCheck[] = [];
    for (const route of routes) checked.push(await this.route(route, sent.get(route) ?? [], falPrices));
    const findings = checked.flatMap((r) => r.findings);
    const count = (severity: UpstreamFinding['severity']) =>
      findings.filter((f) => f.severity === severity).length;
    return {
      checkedAt: new Date(this.deps.now()).toISOString(),
      breaking: count('breaking') > 0,
      complete: checked.every((r) => r.status !== 'incomplete'),
      counts: { breaking: count('breaking'), warning: count('warning'), info: count('info') },
      routes: checked,
    };
  }

  /** fal's prices of every fal endpoint the routes send to, read at once (or why they could not be). */
  private async falPrices(
    routes: HostedModel[],
    sent: Map<HostedModel, SentEndpoint[] | string>,
  ): Promise<PriceLookup | null> {
    const fal = this.deps.upstreams.fal;
    if (!fal) return null;
    const endpoints = [
      ...new Set(
        routes.flatMap((r) => {
          const s = sent.get(r);
          return r.upstream === 'fal' && Array.isArray(s) ? s.map((e) => e.endpoint) : [];
        }),
      ),
    ];
    if (endpoints.length === 0) return null;
    try {
      return { prices: await readFalPrices(this.options(), fal.apiUrl, fal.key, endpoints), error: null };
    } catch (error) {
      return { prices: null, error: (error as Error).message };
    }
  }

  private options() {
    return { fetch: this.deps.fetch, timeoutMs: this.deps.upstreams.timeoutMs };
  }

  private async route(
    route: HostedModel,
    sent: SentEndpoint[] | string,
    falPrices: PriceLookup | null,
  ): Promise<UpstreamRouteCheck> {
    const base = { model: route.model, upstream: route.upstream, source: route.source };
    const skipped = (reason: string): UpstreamRouteCheck => ({
      ...base,
      status: 'skipped',
      reason,
      endpoints: [],
      findings: [],
    });
    if (route.upstream === 'kling') return skipped(KLING_REASON);
    const { fal, replicate } = this.deps.upstreams;
    if (route.upstream === 'fal' && !fal) return skipped('fal is not configured here (REELAY_FAL_KEY).');
    if (route.upstream === 'replicate' && !replicate) {
      return skipped('Replicate is not configured here (REELAY_REPLICATE_API_TOKEN).');
    }
    if (typeof sent === 'string')
      return { ...base, status: 'incomplete', reason: sent, endpoints: [], findings: [] };
    const mapping = UPSTREAM_MODELS[route.upstream][route.model] as UpstreamModel<unknown>;
    const read = (endpoint: string): Promise<ReadSchema> =>
      route.upstream === 'fal' && fal
        ? readFalSchema(this.options(), fal.schemaUrl, endpoint)
        : readReplicateSchema(this.options(), replicate?.baseUrl ?? '', replicate?.token ?? '', endpoint);
    const results = await pooled(
      sent.map((endpoint) => () => this.endpoint(route, mapping, endpoint, read, falPrices)),
      PARALLEL,
    );
    const endpoints = results.map((r) => r.check);
    const failed = endpoints.filter((e) => e.status === 'failed').length;
    return {
      ...base,
      status: failed > 0 ? 'incomplete' : 'checked',
      reason: failed > 0 ? `${failed} of ${endpoints.length} endpoints could not be checked.` : null,
      endpoints,
      findings: results.flatMap((r) => r.findings),
    };
  }

  private async endpoint(
    route: HostedModel,
    mapping: UpstreamModel<unknown>,
    sent: SentEndpoint,
    read: (endpoint: string) => Promise<ReadSchema>,
    falPrices: PriceLookup | null,
  ): Promise<{ check: UpstreamEndpointCheck; findings: UpstreamFinding[] }> {
    const where = { model: route.model, upstream: route.upstream, endpoint: sent.endpoint };
    const findings: UpstreamFinding[] = [];
    let schema: { status: 'checked' | 'failed'; error: string | null; schemaUrl: string | null };
    try {
      const published = await read(sent.endpoint);
      findings.push(...compareInput(where, sent, published.input));
      schema = { status: 'checked', error: null, schemaUrl: published.url };
    } catch (error) {
      schema = { status: 'failed', error: (error as Error).message, schemaUrl: null };
    }
    const assumed = mapping.prices[sent.endpoint] ?? null;
    const assumedPrice = assumed && {
      unitPrice: assumed.unitPrice,
      unit: assumed.unit,
      currency: assumed.currency,
    };
    let price: UpstreamEndpointCheck['price'];
    if (route.upstream !== 'fal' || !falPrices) {
      price = { status: 'not_published', assumed: assumedPrice, published: null, error: null };
    } else if (falPrices.error !== null) {
      price = { status: 'unchecked', assumed: assumedPrice, published: null, error: falPrices.error };
    } else {
      const published = falPrices.prices.get(sent.endpoint) ?? null;
      price = published
        ? { status: 'checked', assumed: assumedPrice, published, error: null }
        : { status: 'not_published', assumed: assumedPrice, published: null, error: null };
      if (assumed && published) findings.push(...comparePrice(where, assumed, published));
    }
    return {
      check: {
        endpoint: sent.endpoint,
        ...schema,
        requests: sent.requests,
        fields: sent.fields.map((f) => f.name),
        price,
      },
      findings,
    };
  }
}
