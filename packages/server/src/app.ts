import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { HttpLogOptions } from './api/build-http.ts';
import { AssetSweeper } from './assets/asset-sweeper.ts';
import { AssetsService } from './assets/assets-service.ts';
import { loadSigningSecret } from './assets/signing-secret.ts';
import { createStorage } from './assets/storage/create-storage.ts';
import { AuditService } from './audit/audit-service.ts';
import { AccountsService } from './billing/accounts.ts';
import { AlertsService } from './billing/alerts-service.ts';
import { Authenticator } from './billing/authenticator.ts';
import { settleDevAccount } from './billing/dev-account.ts';
import { allowedCandidates } from './billing/key-allowlist.ts';
import { UsageService } from './billing/usage-service.ts';
import { openAiWebhookBody } from './compat/openai/openai-webhooks.ts';
import { replicateWebhookBody } from './compat/replicate/replicate-webhooks.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { openDatabase } from './db/open-database.ts';
import { checkRoute } from './generations/check-route.ts';
import { GenerationEventHub } from './generations/generation-events.ts';
import { GenerationsService } from './generations/generations-service.ts';
import { Lifecycles } from './lifecycle/lifecycles.ts';
import { findFfmpeg, findFfprobe } from './media/ffmpeg-binaries.ts';
import { createGuardedFetch, type GuardedFetch } from './net/guarded-fetch.ts';
import { webhookUrlError } from './net/webhook-url.ts';
import { instrumentProvider } from './observability/instrument-provider.ts';
import { NO_METRICS } from './observability/metrics.ts';
import { listenForMetrics } from './observability/metrics-listener.ts';
import { startMetrics } from './observability/observability.ts';
import { loadTracing, type Tracing } from './observability/tracing.ts';
import { OperationsService } from './operations/operations-service.ts';
import { createProvenanceSigner } from './provenance/create-signer.ts';
import { LocalProvider } from './providers/local/local-provider.ts';
import type { Provider } from './providers/provider.ts';
import { ProviderRegistry } from './providers/registry.ts';
import { PROVIDER_IDS } from './providers/upstream-ids.ts';
import { upstreamProviders } from './providers/upstream-providers.ts';
import { IdempotencyKeys } from './store/idempotency-keys.ts';
import { LocalRenders } from './store/local-renders.ts';
import { OpenAiVideosStore } from './store/openai-videos.ts';
import { databaseReadiness } from './store/readiness.ts';
import { ReplicateStore } from './store/replicate-predictions.ts';
import { UpstreamsCheck } from './upstream-check/upstreams-check.ts';
import { firstBody, WebhookDispatcher } from './webhooks/webhook-dispatcher.ts';
import { WebhooksService } from './webhooks/webhooks-service.ts';
import { DeadlineSweeper } from './worker/deadlines.ts';
import { UpstreamInputs } from './worker/upstream-inputs.ts';
import { Worker } from './worker/worker.ts';

export interface Gateway {
  config: Readonly<Config>;
  db: Database;
  http: FastifyInstance;
  worker: Worker;
  /** The SSRF-guarded fetch every outbound request goes through. */
  outboundFetch: GuardedFetch;
  /** Keys and request counts (see billing/authenticator.ts). */
  authenticator: Authenticator;
  /** The development key, when the dev account is enabled. */
  devKey: string | null;
  /** Why the development account is off (or its keys were revoked), to say at start; null when nothing to say. */
  devAccountNote: string | null;
  /** The listener a worker-only process serves `/metrics` on (REELAY_METRICS_PORT), else null. */
  metricsServer: Server | null;
  /** Spans of requests, steps and provider calls (`NO_TRACING` when off). */
  tracing: Tracing;
  /** Stops serving and claiming; in-flight steps get up to `graceMs` to finish before they are handed back. */
  close(graceMs?: number): Promise<void>;
}

/**
 * The one composition root: config → database → storage → providers → HTTP app and worker.
 * `role` decides what runs: `all` (API and worker), `api` or `worker`.
 */
export async function createGateway(
  config: Readonly<Config>,
  options: {
    role?: 'all' | 'api' | 'worker';
    logger?: boolean | HttpLogOptions;
    /** Providers registered after the built-in ones; one with a built-in's id replaces it (benchmarks). */
    providers?: { provider: Provider; pollIntervalMs: number }[];
    /** Tracing to use instead of the configured one (tests give one with an in-memory exporter). */
    tracing?: Tracing;
  } = {},
): Promise<Gateway> {
  const role = options.role ?? 'all';
  // The tracing SDK is imported only when a collector is configured, meanwhile the database opens.
  const tracingLoad = options.tracing ? Promise.resolve(options.tracing) : loadTracing(config.observability);
  tracingLoad.catch(() => {});
  // The HTTP application's modules (Fastify, every route) load while the database opens: most of opening it is
  // waiting for its files and its WebAssembly to compile, time the loading can use.
  const httpModule = import('./api/build-http.ts');
  httpModule.catch(() => {});
  const db = await openDatabase(config.database);
  let tracing: Tracing | null = null;
  try {
    const traces = await tracingLoad;
    tracing = traces;
    const { metrics, scrape } = await startMetrics({
      token: config.observability.metricsToken,
      db,
      role,
      caps: config.upstreams.caps,
    });
    // Provider calls are timed, counted and traced only when metrics or tracing are on.
    const observed = (p: Provider): Provider =>
      metrics === NO_METRICS && !traces.enabled ? p : instrumentProvider(p, metrics, traces);
    const storage = await createStorage(config.storage);
    // The one outbound fetcher: https inputs, upstream outputs and webhooks only reach public addresses.
    const { caFile, ...fetchOptions } = config.fetch;
    const outboundFetch = createGuardedFetch({
      ...fetchOptions,
      ...(caFile !== null ? { ca: readFileSync(caFile, 'utf8') } : {}),
    });
    const signingSecret = await loadSigningSecret(config.assets.signingSecret, config.dataDir);
    const ffprobePath = findFfprobe(config.render.ffprobePath, config.render.searchPath);
    const ffmpegPath = findFfmpeg(config.render.ffmpegPath, config.render.searchPath);
    // C2PA manifests of outputs: the operator's certificate, else a development one made in the data folder.
    const provenance = await createProvenanceSigner(config.provenance, config.dataDir);
    const assets = new AssetsService(db, storage, {
      ffprobePath,
      ffmpegPath,
      log: { warn: (d, m) => http.log.warn(d, m) },
      maxUploadBytes: config.limits.maxUploadBytes,
      maxBytesByKind: config.assets.maxBytesByKind,
      maxPixels: config.assets.maxPixels,
      maxDataUriBytes: config.limits.maxDataUriBytes,
      publicUrl: config.publicUrl,
      signingSecret,
      signedUrlTtlSeconds: config.assets.signedUrlTtlSeconds,
      fetch: outboundFetch,
      retentionSeconds: config.assets.retentionHours * 3600,
      provenance: provenance?.signer ?? null,
    });
    const providers = new ProviderRegistry().register(
      observed(
        new LocalProvider({
          workDir: config.render.workDir,
          ffmpegPath,
          maxConcurrent: config.render.concurrency,
          renders: new LocalRenders(db),
          leaseMs: config.worker.leaseSeconds * 1000,
        }),
      ),
      { pollIntervalMs: 200 },
    );
    // Upstream APIs are called at their configured origins only; their outputs come in via outboundFetch.
    const uploadFetch = outboundFetch as typeof fetch;
    for (const upstream of upstreamProviders(config.upstreams, { fetch, now: Date.now, uploadFetch }))
      providers.register(observed(upstream), { pollIntervalMs: config.upstreams.pollIntervalMs });
    const lifecycles = new Lifecycles(config.lifecycle);
    providers.routing({
      ...config.upstreams,
      routeOpen: (model, provider) => lifecycles.routeOpen(model, provider),
    });
    for (const extra of options.providers ?? [])
      providers.register(observed(extra.provider), { pollIntervalMs: extra.pollIntervalMs });
    const inputDelivery = { preference: config.upstreams.inputs, linksReachable: linksReachable(config) };
    const devAccount = await settleDevAccount(db, { dataDir: config.dataDir, ...config.devAccount });
    const devKey = devAccount.key;
    // A worker-only process answers no requests: it neither watches events nor keeps keys, so the events and key
    // channels are not delivered to it (every status change is a NOTIFY to each process listening).
    const servesRequests = role !== 'worker';
    const events = new GenerationEventHub(db);
    if (servesRequests) await events.start();
    // Warnings go to the HTTP log, built below (none can come before the gateway answers).
    const authenticator = new Authenticator(db, config.limits, { warn: (d, m) => http.log.warn(d, m) });
    if (servesRequests) await authenticator.start();
    const replicatePredictions = new ReplicateStore(db);
    const openAiVideos = new OpenAiVideosStore(db);
    const { buildHttp } = await httpModule;
    const http = buildHttp(
      {
        generations: new GenerationsService(db, {
          assets,
          prices: config.prices,
          limits: config.limits,
          allowHttpWebhooks: config.fetch.allowHttp,
          allowPrivateWebhooks: config.fetch.allowPrivateAddresses,
          allowProvenanceOptOut: config.provenance.allowOptOut,
          providerFor: (p, model) =>
            allowedCandidates(p, model, providers.routes.candidates(model, p.mode))[0] ?? 'local',
          // Nothing is accepted that no enabled provider can run with this configuration.
          checkRoute: (p, checked) =>
            checkRoute({ db, providers, delivery: inputDelivery, lifecycles }, p, checked),
          lifecycles,
          metrics,
          tracing: traces,
        }),
        assets,
        accounts: new AccountsService(
          db,
          authenticator,
          (id) => PROVIDER_IDS.includes(id) || providers.find(id) !== null,
          (url) =>
            webhookUrlError(url, config.fetch.allowHttp, config.fetch.allowPrivateAddresses)?.message ?? null,
          config.provenance.allowOptOut,
        ),
        usage: new UsageService(db),
        audit: new AuditService(db),
        alerts: new AlertsService(db),
        webhooks: new WebhooksService(db, { secretGraceSeconds: config.webhooks.secretGraceSeconds }),
        operations: new OperationsService(db, providers),
        upstreamsCheck: new UpstreamsCheck({
          upstreams: config.upstreams,
          fetch: outboundFetch as typeof fetch,
          now: Date.now,
        }),
        authenticator,
        idempotency: new IdempotencyKeys(db),
        idempotencyLeaseMs: config.limits.idempotencyLeaseMs,
        readiness: () => databaseReadiness(db),
        providers,
        prices: config.prices,
        lifecycles,
        publicUrl: config.publicUrl,
        maxJsonBytes: config.limits.maxJsonBytes,
        http: config.http,
        adminKey: config.adminKey,
        events,
        sseHeartbeatMs: config.events.heartbeatMs,
        ffmpegPath,
        assetRetentionHours: config.assets.retentionHours,
        replicatePredictions,
        openAiVideos,
        metrics,
        metricsScrape: scrape,
        metricsToken: config.observability.metricsToken,
        logSecrets: [signingSecret, ...(devKey ? [devKey] : []), ...configuredSecrets(config)],
        tracing: traces,
      },
      options.logger ?? false,
    );
    if (provenance?.credentials.development) {
      http.log.warn(
        { dir: join(config.dataDir, 'c2pa') },
        'outputs are signed with the development C2PA certificate (not for production): set REELAY_C2PA_CERT and REELAY_C2PA_KEY',
      );
    }
    const worker = new Worker(
      {
        db,
        assets,
        providers,
        trustedOutputDir: config.render.workDir,
        maxStartAttempts: 3,
        reconcileGiveUpMs: config.worker.reconcileGiveUpMs,
        log: http.log,
        faults: config.testFaults,
        metrics,
        tracing: traces,
        allowProvenanceOptOut: config.provenance.allowOptOut,
        upstream: {
          fetchOutput: outboundFetch as typeof fetch,
          maxOutputBytes: config.fetch.maxBytes,
          downloadTimeoutMs: config.fetch.totalTimeoutMs,
          downloadDir: join(config.dataDir, 'downloads'),
          inputs: new UpstreamInputs({
            db,
            delivery: inputDelivery,
            sign: (id, ttl) => assets.signedContentUrl(id, ttl),
            linkTtlSeconds: config.upstreams.linkTtlSeconds,
            now: Date.now,
          }),
          callbackUrl: (id) =>
            config.upstreams.callbackBaseUrl && id !== 'local'
              ? `${config.upstreams.callbackBaseUrl}/callbacks/${id}`
              : undefined,
          capacityWaitMs: config.upstreams.pollIntervalMs,
        },
      },
      {
        concurrency: role === 'api' ? 0 : config.worker.concurrency,
        pollIntervalMs: config.worker.pollIntervalMs,
        leaseSeconds: config.worker.leaseSeconds,
        stepTimeoutMs: config.worker.stepTimeoutMs,
        log: http.log,
      },
    );
    const runsWork = role !== 'api';
    const webhooks = new WebhookDispatcher(
      {
        db,
        fetch: outboundFetch as typeof fetch,
        publicUrl: config.publicUrl,
        log: http.log,
        metrics,
        tracing: traces,
        bodyFor: firstBody([
          replicateWebhookBody(replicatePredictions, {
            publicUrl: config.publicUrl,
            signedUrl: (id) => assets.signedFileUrl(id),
          }),
          openAiWebhookBody(openAiVideos),
        ]),
      },
      {
        ...config.webhooks,
        concurrency: runsWork ? config.webhooks.concurrency : 0,
        pollIntervalMs: config.worker.pollIntervalMs,
      },
    );
    const deadlines = new DeadlineSweeper(
      db,
      config.deadlines,
      config.worker.pollIntervalMs,
      http.log,
      metrics,
    );
    const sweeper = new AssetSweeper(db, storage, {
      retentionHours: config.assets.retentionHours,
      orphanGraceSeconds: config.assets.orphanGraceSeconds,
      intervalMs: config.assets.sweepIntervalMs,
      log: http.log,
    });
    await worker.start();
    if (role !== 'api') {
      sweeper.start();
      providers.startWork();
    }
    await webhooks.start();
    if (runsWork) deadlines.start();
    // A worker-only process has no API listener: its metrics get one of their own, when a port is set.
    const { metricsPort, metricsToken } = config.observability;
    const metricsServer =
      role === 'worker' && metricsPort !== null && metricsToken !== null && scrape !== null
        ? await listenForMetrics({ host: config.host, port: metricsPort, token: metricsToken, scrape })
        : null;
    const tracer = traces;
    return {
      config,
      db,
      http,
      worker,
      outboundFetch,
      authenticator,
      devKey,
      devAccountNote: devAccount.note,
      metricsServer,
      tracing: tracer,
      async close(graceMs = 0) {
        await http.close();
        if (metricsServer) await new Promise((resolve) => metricsServer.close(resolve));
        await sweeper.stop();
        await deadlines.stop();
        await worker.stop(graceMs);
        await webhooks.stop();
        await events.close();
        await authenticator.close();
        await providers.close();
        await outboundFetch.close();
        await db.close();
        await tracer.shutdown();
      },
    };
  } catch (error) {
    await db.close();
    await tracing?.shutdown();
    throw error;
  }
}

/** Every secret the configuration holds, so that no log line can show one. */
function configuredSecrets(config: Config): string[] {
  const { kling, fal, replicate } = config.upstreams;
  const s3 = config.storage.driver === 's3' ? config.storage.credentials?.secretAccessKey : undefined;
  return [
    config.adminKey,
    config.observability.metricsToken,
    kling?.accessKey,
    kling?.secretKey,
    fal?.key,
    replicate?.token,
    replicate?.webhookSecret,
    s3,
  ].filter((secret): secret is string => typeof secret === 'string' && secret !== '');
}

/**
 * Whether upstreams can fetch this gateway's signed links to input files: presigned S3 links on an https endpoint,
 * or the gateway's own links under an https public URL.
 */
function linksReachable(config: Config): boolean {
  if (config.storage.driver === 's3') return (config.storage.endpoint ?? 'https://').startsWith('https://');
  return config.publicUrl.startsWith('https://');
}
