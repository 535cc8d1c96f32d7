/** How a generation ended, as counted. */
export type GenerationEnd = 'succeeded' | 'failed' | 'canceled';

/** A provider call as counted: which call, and how it came out. */
export type ProviderCall = 'start' | 'status' | 'cancel' | 'find_started';

/** What became of one webhook attempt. */
export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed';

/**
 * What the gateway counts for its operator. Every method only adds to numbers kept in memory (no I/O, no
 * database statement), so the hot paths can call it on every request; the numbers read from the database
 * (queue, slots, held tokens, stored bytes) are read only when `/metrics` is scraped.
 */
export interface Metrics {
  /** One HTTP answer: the matched route's pattern (never the raw URL), its method and status, and how long it took. */
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  generationCreated(model: string, provider: string): void;
  generationEnded(model: string, provider: string, end: GenerationEnd): void;
  /** One call to a provider (an upstream API or the local renderer) and how long it took. */
  providerCall(provider: string, call: ProviderCall, outcome: string, seconds: number): void;
  /** One webhook attempt, and how long after its event it was made. */
  webhookDelivery(outcome: DeliveryOutcome, lagSeconds: number): void;
  /** Tokens (in thousandths) captured from holds for delivered work. */
  tokensCharged(mode: string, milli: number): void;
}

/** Counts nothing: what a gateway without REELAY_METRICS_TOKEN uses, so it loads no metrics library at all. */
export const NO_METRICS: Metrics = {
  httpRequest() {},
  generationCreated() {},
  generationEnded() {},
  providerCall() {},
  webhookDelivery() {},
  tokensCharged() {},
};
