import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { OperatorGauges } from '../store/operator-gauges.ts';
import type { DeliveryOutcome, GenerationEnd, Metrics, ProviderCall } from './metrics.ts';

/** Latency buckets (seconds) for HTTP answers: most are milliseconds, waits and uploads take longer. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
/** Provider calls: upstream round trips of tens of milliseconds to local renders of a minute. */
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Webhook lag: from the event to the attempt, including retries' backoff. */
const LAG_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800, 3600, 21_600, 86_400];

/** Where the scrape-time numbers come from. */
export interface GaugeSource {
  /** The database's numbers (one statement); rejected when the database does not answer. */
  read(): Promise<OperatorGauges>;
  /** Each capped provider's cap (generations at once across all processes). */
  caps: Readonly<Record<string, number>>;
}

/**
 * The Prometheus registry of one gateway (prom-client): counters and histograms kept in memory and added to
 * on the hot paths, gauges read from the database when scraped, and Node's process metrics.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly created: Counter<'model' | 'provider'>;
  private readonly ended: Counter<'model' | 'provider' | 'status'>;
  private readonly calls: Histogram<'provider' | 'call' | 'outcome'>;
  private readonly deliveries: Histogram<'outcome'>;
  private readonly charged: Counter<'mode'>;
  private readonly queueDue: Gauge;
  private readonly oldestDue: Gauge;
  private readonly jobs: Gauge;
  private readonly slotsInUse: Gauge<'provider'>;
  private readonly slotCaps: Gauge<'provider'>;
  private readonly held: Gauge<'mode'>;
  private readonly stored: Gauge<'source'>;
  private readonly databaseUp: Gauge;

  constructor(
    private readonly source: GaugeSource,
    labels: { role: string },
  ) {
    const registers = [this.registry];
    this.registry.setDefaultLabels(labels);
    collectDefaultMetrics({ register: this.registry });
    this.http = new Histogram({
      name: 'reelay_http_request_duration_seconds',
      help: 'HTTP answers by method, matched route pattern and status, and their latency.',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_BUCKETS,
      registers,
    });
    this.created = new Counter({
      name: 'reelay_generations_created_total',
      help: 'Generations created (queued), by model and the provider first meant to run them.',
      labelNames: ['model', 'provider'],
      registers,
    });
    this.ended = new Counter({
      name: 'reelay_generations_ended_total',
      help: 'Generations that ended, by model, provider and final status (succeeded, failed, canceled).',
      labelNames: ['model', 'provider', 'status'],
      registers,
    });
    this.calls = new Histogram({
      name: 'reelay_provider_call_duration_seconds',
      help: 'Calls to providers (upstream APIs and the local renderer) by provider, call and outcome, and their latency.',
      labelNames: ['provider', 'call', 'outcome'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.deliveries = new Histogram({
      name: 'reelay_webhook_delivery_lag_seconds',
      help: 'Webhook attempts by outcome (succeeded, retrying, failed), and the time from the event to the attempt.',
      labelNames: ['outcome'],
      buckets: LAG_BUCKETS,
      registers,
    });
    this.charged = new Counter({
      name: 'reelay_tokens_charged_total',
      help: 'Tokens captured for delivered work, by mode (test, live).',
      labelNames: ['mode'],
      registers,
    });
    this.queueDue = new Gauge({
      name: 'reelay_queue_due_jobs',
      help: 'Jobs due now that no worker holds (read from the database at scrape time).',
      registers,
    });
    this.oldestDue = new Gauge({
      name: 'reelay_queue_oldest_due_seconds',
      help: 'Seconds the longest-waiting due job has been waiting for a worker (0 when none is).',
      registers,
    });
    this.jobs = new Gauge({
      name: 'reelay_queue_jobs',
      help: 'Jobs of open generations: due, held by a worker, or due later.',
      registers,
    });
    this.slotsInUse = new Gauge({
      name: 'reelay_provider_slots_in_use',
      help: 'Slots of capped providers held by queued or running generations, across all processes.',
      labelNames: ['provider'],
      registers,
    });
    this.slotCaps = new Gauge({
      name: 'reelay_provider_slots_cap',
      help: 'The configured cap of each capped provider (REELAY_<PROVIDER>_MAX_CONCURRENT).',
      labelNames: ['provider'],
      registers,
    });
    this.held = new Gauge({
      name: 'reelay_tokens_held',
      help: 'Tokens held for open generations, by mode, across all accounts.',
      labelNames: ['mode'],
      registers,
    });
    this.stored = new Gauge({
      name: 'reelay_storage_bytes',
      help: 'Bytes of stored assets by source (upload, data, output).',
      labelNames: ['source'],
      registers,
    });
    this.databaseUp = new Gauge({
      name: 'reelay_database_up',
      help: 'Whether the database answered the scrape-time read (1) or not (0).',
      registers,
    });
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }

  generationCreated(model: string, provider: string): void {
    this.created.inc({ model, provider });
  }

  generationEnded(model: string, provider: string, end: GenerationEnd): void {
    this.ended.inc({ model, provider, status: end });
  }

  providerCall(provider: string, call: ProviderCall, outcome: string, seconds: number): void {
    this.calls.observe({ provider, call, outcome }, seconds);
  }

  webhookDelivery(outcome: DeliveryOutcome, lagSeconds: number): void {
    this.deliveries.observe({ outcome }, Math.max(0, lagSeconds));
  }

  tokensCharged(mode: string, milli: number): void {
    if (milli > 0) this.charged.inc({ mode }, milli / 1000);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text a scrape answers with: the database's gauges read once, then every metric. */
  async render(): Promise<string> {
    try {
      const g = await this.source.read();
      this.queueDue.set(g.queueDue);
      this.oldestDue.set(g.oldestDueSeconds);
      this.jobs.set(g.jobs);
      this.slotsInUse.reset();
      for (const provider of new Set([...Object.keys(this.source.caps), ...Object.keys(g.slotsInUse)]))
        this.slotsInUse.set({ provider }, g.slotsInUse[provider] ?? 0);
      this.held.reset();
      for (const mode of ['test', 'live']) this.held.set({ mode }, (g.heldMilli[mode] ?? 0) / 1000);
      this.stored.reset();
      for (const source of ['upload', 'data', 'output'])
        this.stored.set({ source }, g.storedBytes[source] ?? 0);
      this.databaseUp.set(1);
    } catch {
      this.databaseUp.set(0);
    }
    this.slotCaps.reset();
    for (const [provider, cap] of Object.entries(this.source.caps)) this.slotCaps.set({ provider }, cap);
    return this.registry.metrics();
  }
}
