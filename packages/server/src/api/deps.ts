import type { PriceOverrides } from '@reelay/catalog';
import type { AssetsService } from '../assets/assets-service.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AccountsService } from '../billing/accounts.ts';
import type { AlertsService } from '../billing/alerts-service.ts';
import type { Authenticator } from '../billing/authenticator.ts';
import type { UsageService } from '../billing/usage-service.ts';
import type { OpenAiWebhookShapes } from '../compat/openai/openai-core.ts';
import type { ReplicateShape } from '../compat/replicate/replicate-core.ts';
import type { Config } from '../config.ts';
import type { GenerationEventHub } from '../generations/generation-events.ts';
import type { GenerationsService } from '../generations/generations-service.ts';
import type { Lifecycles } from '../lifecycle/lifecycles.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { MetricsScrape } from '../observability/observability.ts';
import type { Tracing } from '../observability/tracing.ts';
import type { OperationsService } from '../operations/operations-service.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import type { UpstreamsCheck } from '../upstream-check/upstreams-check.ts';
import type { WebhooksService } from '../webhooks/webhooks-service.ts';
import type { IdempotencyStore } from './idempotency.ts';

/**
 * What the HTTP layer needs from the rest of the gateway: services, built once in `app.ts`. Routes never see
 * the database; what they read and change goes through these.
 */
export interface ApiDeps {
  generations: GenerationsService;
  assets: AssetsService;
  accounts: AccountsService;
  usage: UsageService;
  /** An account's low-balance and budget alerts. */
  alerts: AlertsService;
  /** The operator's audit log. */
  audit: AuditService;
  webhooks: WebhooksService;
  /** Provider health and the work queue, over every account (the operator's console). */
  operations: OperationsService;
  /** Each route's mapping against its upstream's published schema and price (`POST /api/v1/admin/upstreams/check`). */
  upstreamsCheck: UpstreamsCheck;
  /** Bearer key → principal, with the key's rate counted. */
  authenticator: Authenticator;
  /** Where `Idempotency-Key`s and their answers are kept. */
  idempotency: IdempotencyStore;
  /** How long a running first request holds its key unless it renews the hold. */
  idempotencyLeaseMs: number;
  /** Whether the database answers (`/readyz`), and which driver it is. */
  readiness(): Promise<{ ready: boolean; database: string }>;
  providers: ProviderRegistry;
  prices: PriceOverrides;
  /** Each model's lifecycle (deprecated, retired), shown in the catalog and its pages. */
  lifecycles: Lifecycles;
  publicUrl: string;
  maxJsonBytes: number;
  http: Config['http'];
  adminKey: string | null;
  /** This process's watcher of generation events (SSE, `Prefer: wait`). */
  events: GenerationEventHub;
  sseHeartbeatMs: number;
  /** The ffmpeg program (thumbnails of outputs). */
  ffmpegPath: string;
  /** Hours a stored file is kept (0: until deleted). */
  assetRetentionHours: number;
  /** What the Replicate shape keeps of its predictions and files beside the generations. */
  replicatePredictions: ReplicateShape['store'];
  /** This process's metrics as a scrape reads them; null when metrics are off (no REELAY_METRICS_TOKEN). */
  metricsScrape: MetricsScrape | null;
  /** The bearer token `/metrics` takes (REELAY_METRICS_TOKEN). */
  metricsToken: string | null;
  /** What this process counts (hot paths add to it in memory). */
  metrics: Metrics;
  /** Configured secrets (keys, tokens) no log line may show: replaced wherever they appear. */
  logSecrets: readonly string[];
  /** Spans of requests and the trace id of error answers; `NO_TRACING` when tracing is off. */
  tracing: Tracing;
  /** Which videos made through the OpenAI shape have their webhooks sent as OpenAI events. */
  openAiVideos: OpenAiWebhookShapes;
}
