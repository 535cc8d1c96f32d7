import type { Queryable } from '../db/database.ts';
import { readOperatorGauges } from '../store/operator-gauges.ts';
import { type Metrics, NO_METRICS } from './metrics.ts';

/** A scrape of this process's metrics: the Prometheus text and its content type. */
export type MetricsScrape = () => Promise<{ contentType: string; body: string }>;

/** What the gateway counts, and how a scrape reads it. */
export interface GatewayMetrics {
  metrics: Metrics;
  /** Null when metrics are off. */
  scrape: MetricsScrape | null;
}

/**
 * The metrics of one gateway process: with a metrics token, a Prometheus registry (prom-client, imported only
 * then) whose database gauges are read by one statement per scrape; without one, nothing is kept at all.
 */
export async function startMetrics(options: {
  token: string | null;
  db: Queryable;
  role: string;
  caps: Readonly<Record<string, number>>;
}): Promise<GatewayMetrics> {
  if (options.token === null) return { metrics: NO_METRICS, scrape: null };
  const { PrometheusMetrics } = await import('./prometheus-metrics.ts');
  const prometheus = new PrometheusMetrics(
    { read: () => readOperatorGauges(options.db), caps: options.caps },
    { role: options.role },
  );
  return {
    metrics: prometheus,
    scrape: async () => ({ contentType: prometheus.contentType, body: await prometheus.render() }),
  };
}
