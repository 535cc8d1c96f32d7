import { resolve } from 'node:path';
import type { ModelLifecycle, PriceOverrides } from '@reelay/catalog';
import type { z } from 'zod';
import type { S3StorageOptions } from './assets/storage/s3-storage.ts';
import { falSettings, klingSettings, replicateSettings, s3Settings, settings } from './config/settings.ts';

/** Where the gateway keeps its data. PGlite when no DATABASE_URL is set. */
export type DatabaseConfig = { driver: 'pglite'; dataDir: string } | { driver: 'postgres'; url: string };

/** Where asset bytes live: a local folder (default) or an S3-compatible bucket. */
export type StorageConfig = { driver: 'local'; root: string } | ({ driver: 's3' } & S3StorageOptions);

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  database: DatabaseConfig;
  storage: StorageConfig;
  /**
   * `on`/`off` as set; `auto` (unset): on unless NODE_ENV is production, and then only while no other account
   * has a live key.
   */
  devAccount: { enabled: 'on' | 'off' | 'auto'; key: string | null; startingTokens: number };
  worker: {
    concurrency: number;
    pollIntervalMs: number;
    leaseSeconds: number;
    stepTimeoutMs: number;
    /** How long an upstream whose outcome is unknown is asked before the generation fails. */
    reconcileGiveUpMs: number;
  };
  render: {
    concurrency: number;
    workDir: string;
    ffmpegPath: string | null;
    ffprobePath: string | null;
    /** Where to look for ffmpeg and ffprobe (the PATH). */
    searchPath: string;
  };
  /** How long a client may take, so that a stalled or slow one cannot hold connections and open files. */
  http: {
    /** Until the request's headers are complete. */
    headersTimeoutMs: number;
    /** Until the whole request, body included, has arrived (a large upload on a slow link needs minutes). */
    requestTimeoutMs: number;
    /** A connection on which no byte moves either way for this long is closed (a body that stops mid-way). */
    idleTimeoutMs: number;
    /** An idle kept-alive connection between requests is closed after this long. */
    keepAliveTimeoutMs: number;
  };
  limits: {
    maxUploadBytes: number;
    maxJsonBytes: number;
    maxDataUriBytes: number;
    /** Requests one key may send per minute, unless its account sets another number. */
    keyRatePerMinute: number;
    /** How long a running first request holds its Idempotency-Key unless it renews the hold. */
    idempotencyLeaseMs: number;
    /** Queued and running generations one account may have, unless it sets another number. */
    maxConcurrentGenerations: number;
  };
  /** The operator's key for the admin API; null disables it. */
  adminKey: string | null;
  prices: PriceOverrides;
  /** `<model>` or `<model>@<provider>` → the lifecycle the operator set, replacing the catalog's. */
  lifecycle: Record<string, ModelLifecycle>;
  logLevel: string;
  /** How request log lines are written: `auto` picks `pretty` on a terminal, else `json`. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** Metrics and traces (see observability/). */
  observability: {
    /** The bearer token `/metrics` takes; null: no metrics are kept and `/metrics` answers 404. */
    metricsToken: string | null;
    /** Where a worker-only process serves `/metrics`; null: it serves none. */
    metricsPort: number | null;
    /** The OTLP/HTTP collector traces are sent to; null: tracing is off (and its SDK never loaded). */
    otlpEndpoint: string | null;
    serviceName: string;
  };
  /** The outbound fetcher (https inputs, upstream outputs, webhooks): see net/guarded-fetch.ts. */
  fetch: {
    /** Plain http:// URLs (development only). */
    allowHttp: boolean;
    /** Loopback and private addresses (development and tests only). */
    allowPrivateAddresses: boolean;
    connectTimeoutMs: number;
    totalTimeoutMs: number;
    maxBytes: number;
    /** A PEM file of extra certificate authorities to trust (a private or development CA); null: none. */
    caFile: string | null;
  };
  /** Stored media: per-kind size limits, signed links, retention. */
  assets: {
    maxBytesByKind: { image: number; video: number; audio: number };
    /** Largest picture kept, in pixels: an image (judged from its header) and one frame of a video. */
    maxPixels: { image: number; videoFrame: number };
    /** Secret of the gateway's signed links; null: one kept in the data folder. */
    signingSecret: string | null;
    signedUrlTtlSeconds: number;
    /** Assets older than this are deleted unless a queued or running generation needs them; 0 keeps them. */
    retentionHours: number;
    sweepIntervalMs: number;
    /** Stored files no asset row names are deleted once this many seconds old; 0 keeps them. */
    orphanGraceSeconds: number;
  };
  /**
   * C2PA manifests of stored outputs: on or off, the operator's certificate chain and key (both null: a development
   * certificate kept in the data folder), and whether a request may turn them off.
   */
  provenance: { enabled: boolean; certPath: string | null; keyPath: string | null; allowOptOut: boolean };
  /** Upstream providers (each enabled by its credentials), routing, caps and costs. */
  upstreams: UpstreamsConfig;
  /** SSE streams: an idle stream sends a heartbeat (and catches up) this often. */
  events: { heartbeatMs: number };
  webhooks: {
    concurrency: number;
    timeoutMs: number;
    backoffBaseMs: number;
    backoffMaxMs: number;
    retryWindowMs: number;
    secretGraceSeconds: number;
  };
  /** Longest a generation may take from creation, in seconds: a default and per-model overrides. */
  deadlines: { defaultSeconds: number; perModel: Record<string, number> };
  /** On SIGTERM, in-flight steps get this long before the process exits anyway. */
  shutdownGraceMs: number;
  /** Faults injected by tests (`REELAY_TEST_FAULTS`); empty in production. */
  testFaults: ReadonlySet<string>;
}

export interface UpstreamsConfig {
  kling: { accessKey: string; secretKey: string; baseUrl: string } | null;
  fal: {
    key: string;
    queueUrl: string;
    jwksUrl: string;
    userId: string | null;
    storageUrl: string;
    /** fal's per-endpoint OpenAPI document and its platform (pricing) API, read by the upstreams check. */
    schemaUrl: string;
    apiUrl: string;
  } | null;
  replicate: { token: string; baseUrl: string; webhookSecret: string | null } | null;
  /** model id → ordered provider ids (replaces that model's default route). */
  routes: Record<string, string[]>;
  /** provider id → generations it may run at once across all processes. */
  caps: Record<string, number>;
  /** provider id → model id → variant → thousandths of a token per billed unit it costs there. */
  costs: Record<string, Record<string, Record<string, number>>>;
  /** Per upstream API call. */
  timeoutMs: number;
  /** How often started upstream work is checked on. */
  pollIntervalMs: number;
  /** The gateway's origin as upstreams reach it, for callbacks; null: poll only. */
  callbackBaseUrl: string | null;
  /** How input files reach upstreams (providers/input-delivery.ts). */
  inputs: 'auto' | 'upload' | 'link';
  /** Lifetime of signed links handed to upstreams, and asked of upstream uploads, in seconds. */
  linkTtlSeconds: number;
}

/** A setting that could not be read; main prints it and exits. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** The settings `schema` declares, read from `env`; the first problem becomes a ConfigError naming its variable. */
function read<Schema extends z.ZodType>(schema: Schema, env: Env): z.output<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  if (!issue) throw new ConfigError('the configuration could not be read');
  // An issue of one variable (or of one entry of a JSON setting) has a path; one about several names them itself.
  const where = issue.path.map(String).join('.');
  throw new ConfigError(where === '' ? issue.message : `${where} ${issue.message}`);
}

/** A variable that is set to more than spaces (a provider's credential turns its settings on). */
const isSet = (env: Env, name: string) => Boolean(env[name]?.trim());

function s3Storage(s3: z.output<typeof s3Settings>, dataDir: string): StorageConfig {
  const accessKeyId = s3.REELAY_S3_ACCESS_KEY_ID;
  const secretAccessKey = s3.REELAY_S3_SECRET_ACCESS_KEY;
  return {
    driver: 's3',
    bucket: s3.REELAY_S3_BUCKET,
    region: s3.REELAY_S3_REGION,
    endpoint: s3.REELAY_S3_ENDPOINT,
    forcePathStyle: s3.REELAY_S3_FORCE_PATH_STYLE,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : null,
    cacheDir: resolve(dataDir, 'storage-cache'),
  };
}

function upstreams(s: z.output<typeof settings>, env: Env): UpstreamsConfig {
  const kling =
    isSet(env, 'REELAY_KLING_ACCESS_KEY') || isSet(env, 'REELAY_KLING_SECRET_KEY')
      ? read(klingSettings, env)
      : null;
  const fal = isSet(env, 'REELAY_FAL_KEY') ? read(falSettings, env) : null;
  const replicate = isSet(env, 'REELAY_REPLICATE_API_TOKEN') ? read(replicateSettings, env) : null;
  const caps = {
    kling: s.REELAY_KLING_MAX_CONCURRENT,
    fal: s.REELAY_FAL_MAX_CONCURRENT,
    replicate: s.REELAY_REPLICATE_MAX_CONCURRENT,
  };
  return {
    kling: kling && {
      accessKey: kling.REELAY_KLING_ACCESS_KEY,
      secretKey: kling.REELAY_KLING_SECRET_KEY,
      baseUrl: kling.REELAY_KLING_BASE_URL,
    },
    fal: fal && {
      key: fal.REELAY_FAL_KEY,
      queueUrl: fal.REELAY_FAL_QUEUE_URL,
      jwksUrl: fal.REELAY_FAL_JWKS_URL,
      userId: fal.REELAY_FAL_USER_ID,
      storageUrl: fal.REELAY_FAL_STORAGE_URL,
      schemaUrl: fal.REELAY_FAL_SCHEMA_URL,
      apiUrl: fal.REELAY_FAL_API_URL,
    },
    replicate: replicate && {
      token: replicate.REELAY_REPLICATE_API_TOKEN,
      baseUrl: replicate.REELAY_REPLICATE_BASE_URL,
      webhookSecret: replicate.REELAY_REPLICATE_WEBHOOK_SECRET,
    },
    routes: s.REELAY_ROUTES,
    // Only the providers given a cap have one.
    caps: Object.fromEntries(Object.entries(caps).filter(([, cap]) => cap !== undefined)) as Record<
      string,
      number
    >,
    costs: s.REELAY_PROVIDER_COSTS,
    timeoutMs: s.REELAY_UPSTREAM_TIMEOUT_MS,
    pollIntervalMs: s.REELAY_UPSTREAM_POLL_MS,
    callbackBaseUrl: s.REELAY_CALLBACK_URL,
    inputs: s.REELAY_UPSTREAM_INPUTS,
    linkTtlSeconds: s.REELAY_UPSTREAM_LINK_TTL_SECONDS,
  };
}

/**
 * Reads the whole configuration from the environment, once. The only reader of process.env; the variables and
 * their defaults and ranges are declared in config/settings.ts.
 */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const s = read(settings, env);
  const dataDir = resolve(s.REELAY_DATA_DIR);
  if ((s.REELAY_C2PA_CERT === null) !== (s.REELAY_C2PA_KEY === null)) {
    throw new ConfigError('REELAY_C2PA_CERT and REELAY_C2PA_KEY go together');
  }
  const config: Config = {
    port: s.PORT,
    host: s.HOST,
    publicUrl: (s.REELAY_PUBLIC_URL ?? `http://localhost:${s.PORT}`).replace(/\/+$/, ''),
    dataDir,
    database: s.DATABASE_URL
      ? { driver: 'postgres', url: s.DATABASE_URL }
      : { driver: 'pglite', dataDir: resolve(dataDir, 'pgdata') },
    storage:
      s.REELAY_STORAGE_DRIVER === 's3'
        ? s3Storage(read(s3Settings, env), dataDir)
        : { driver: 'local', root: resolve(s.REELAY_STORAGE_DIR ?? resolve(dataDir, 'storage')) },
    devAccount: {
      enabled:
        s.REELAY_DEV_ACCOUNT === null
          ? s.NODE_ENV === 'production'
            ? 'off'
            : 'auto'
          : s.REELAY_DEV_ACCOUNT
            ? 'on'
            : 'off',
      key: s.REELAY_DEV_KEY,
      startingTokens: s.REELAY_DEV_TOKENS,
    },
    worker: {
      concurrency: s.REELAY_WORKER_CONCURRENCY,
      pollIntervalMs: s.REELAY_WORKER_POLL_MS,
      leaseSeconds: s.REELAY_LEASE_SECONDS,
      stepTimeoutMs: s.REELAY_STEP_TIMEOUT_SECONDS * 1000,
      reconcileGiveUpMs: s.REELAY_RECONCILE_GIVE_UP_SECONDS * 1000,
    },
    render: {
      concurrency: s.REELAY_RENDER_CONCURRENCY,
      workDir: resolve(dataDir, 'renders'),
      ffmpegPath: s.REELAY_FFMPEG_PATH,
      ffprobePath: s.REELAY_FFPROBE_PATH,
      searchPath: s.PATH,
    },
    http: {
      headersTimeoutMs: s.REELAY_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: s.REELAY_REQUEST_TIMEOUT_MS,
      idleTimeoutMs: s.REELAY_IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: s.REELAY_KEEP_ALIVE_TIMEOUT_MS,
    },
    limits: {
      maxUploadBytes: s.REELAY_MAX_UPLOAD_BYTES,
      maxJsonBytes: s.REELAY_MAX_JSON_BYTES,
      maxDataUriBytes: s.REELAY_MAX_DATA_URI_BYTES,
      keyRatePerMinute: s.REELAY_KEY_RATE_PER_MINUTE,
      idempotencyLeaseMs: s.REELAY_IDEMPOTENCY_LEASE_MS,
      maxConcurrentGenerations: s.REELAY_MAX_CONCURRENT_GENERATIONS,
    },
    adminKey: s.REELAY_ADMIN_KEY,
    prices: s.REELAY_PRICES,
    lifecycle: s.REELAY_MODEL_LIFECYCLE,
    logLevel: s.LOG_LEVEL,
    logFormat: s.REELAY_LOG_FORMAT,
    observability: {
      metricsToken: s.REELAY_METRICS_TOKEN,
      metricsPort: s.REELAY_METRICS_PORT ?? null,
      otlpEndpoint: s.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: s.OTEL_SERVICE_NAME ?? 'reelay',
    },
    fetch: {
      allowHttp: s.REELAY_FETCH_ALLOW_HTTP,
      allowPrivateAddresses: s.REELAY_FETCH_ALLOW_PRIVATE,
      connectTimeoutMs: s.REELAY_FETCH_CONNECT_TIMEOUT_MS,
      totalTimeoutMs: s.REELAY_FETCH_TIMEOUT_MS,
      maxBytes: s.REELAY_FETCH_MAX_BYTES,
      caFile: s.REELAY_FETCH_CA_FILE === null ? null : resolve(s.REELAY_FETCH_CA_FILE),
    },
    assets: {
      maxBytesByKind: {
        image: s.REELAY_MAX_IMAGE_BYTES,
        video: s.REELAY_MAX_VIDEO_BYTES,
        audio: s.REELAY_MAX_AUDIO_BYTES,
      },
      maxPixels: { image: s.REELAY_MAX_IMAGE_PIXELS, videoFrame: s.REELAY_MAX_VIDEO_FRAME_PIXELS },
      signingSecret: s.REELAY_SIGNING_SECRET,
      signedUrlTtlSeconds: s.REELAY_SIGNED_URL_TTL_SECONDS,
      retentionHours: s.REELAY_ASSET_RETENTION_HOURS,
      sweepIntervalMs: s.REELAY_ASSET_SWEEP_SECONDS * 1000,
      orphanGraceSeconds: s.REELAY_ORPHAN_GRACE_SECONDS,
    },
    provenance: {
      enabled: s.REELAY_C2PA,
      certPath: s.REELAY_C2PA_CERT === null ? null : resolve(s.REELAY_C2PA_CERT),
      keyPath: s.REELAY_C2PA_KEY === null ? null : resolve(s.REELAY_C2PA_KEY),
      allowOptOut: s.REELAY_C2PA_ALLOW_OPT_OUT,
    },
    upstreams: upstreams(s, env),
    events: { heartbeatMs: s.REELAY_SSE_HEARTBEAT_MS },
    webhooks: {
      concurrency: s.REELAY_WEBHOOK_CONCURRENCY,
      timeoutMs: s.REELAY_WEBHOOK_TIMEOUT_MS,
      backoffBaseMs: s.REELAY_WEBHOOK_BACKOFF_MS,
      backoffMaxMs: s.REELAY_WEBHOOK_BACKOFF_MAX_MS,
      retryWindowMs: s.REELAY_WEBHOOK_RETRY_SECONDS * 1000,
      secretGraceSeconds: s.REELAY_WEBHOOK_SECRET_GRACE_SECONDS,
    },
    deadlines: { defaultSeconds: s.REELAY_DEADLINE_SECONDS, perModel: s.REELAY_MODEL_DEADLINES },
    shutdownGraceMs: s.REELAY_SHUTDOWN_SECONDS * 1000,
    testFaults: s.REELAY_TEST_FAULTS,
  };
  return Object.freeze(config);
}
