import { resolve } from 'node:path';
import type { PriceOverrides } from '@reelay/catalog';
import type { S3StorageOptions } from './assets/storage/s3-storage.ts';

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
  worker: { concurrency: number; pollIntervalMs: number; leaseSeconds: number; stepTimeoutMs: number };
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
    /** Queued and running generations one account may have, unless it sets another number. */
    maxConcurrentGenerations: number;
  };
  /** The operator's key for the admin API; null disables it. */
  adminKey: string | null;
  prices: PriceOverrides;
  logLevel: string;
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
  };
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
}

export interface UpstreamsConfig {
  kling: { accessKey: string; secretKey: string; baseUrl: string } | null;
  fal: { key: string; queueUrl: string; jwksUrl: string; userId: string | null } | null;
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
}

/** A setting that could not be read; main prints it and exits. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}"`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be on or off; got "${env[name]}"`);
}

function prices(env: Env): PriceOverrides {
  const raw = env.REELAY_PRICES;
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('REELAY_PRICES must be JSON like {"kling-3.0-omni":{"720p":6.4}}');
  }
  const out: Record<string, Record<string, number>> = {};
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('REELAY_PRICES must be an object of model id → {variant: tokens}');
  }
  for (const [model, table] of Object.entries(parsed)) {
    if (typeof table !== 'object' || table === null || Array.isArray(table)) {
      throw new ConfigError(`REELAY_PRICES.${model} must be an object of variant → tokens`);
    }
    out[model] = {};
    for (const [variant, tokens] of Object.entries(table)) {
      if (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens <= 0) {
        throw new ConfigError(`REELAY_PRICES.${model}.${variant} must be a positive number of tokens`);
      }
      out[model][variant] = Math.round(tokens * 1000);
    }
  }
  return out;
}

function modelDeadlines(env: Env): Record<string, number> {
  const raw = env.REELAY_MODEL_DEADLINES;
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('REELAY_MODEL_DEADLINES must be JSON like {"kling-3.0-omni":900}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('REELAY_MODEL_DEADLINES must be an object of model id → seconds');
  }
  for (const [model, seconds] of Object.entries(parsed)) {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 604_800) {
      throw new ConfigError(`REELAY_MODEL_DEADLINES.${model} must be a number of seconds up to 604800`);
    }
  }
  return parsed as Record<string, number>;
}

function storage(env: Env, dataDir: string): StorageConfig {
  const driver = env.REELAY_STORAGE_DRIVER?.trim() || 'local';
  if (driver === 'local') {
    return { driver: 'local', root: resolve(env.REELAY_STORAGE_DIR?.trim() || resolve(dataDir, 'storage')) };
  }
  if (driver !== 's3') throw new ConfigError(`REELAY_STORAGE_DRIVER must be local or s3; got "${driver}"`);
  const bucket = env.REELAY_S3_BUCKET?.trim();
  if (!bucket) throw new ConfigError('REELAY_S3_BUCKET is required with REELAY_STORAGE_DRIVER=s3');
  const endpoint = env.REELAY_S3_ENDPOINT?.trim() || null;
  if (endpoint !== null && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    throw new ConfigError(`REELAY_S3_ENDPOINT must be an http(s) URL; got "${endpoint}"`);
  }
  const accessKeyId = env.REELAY_S3_ACCESS_KEY_ID?.trim() || null;
  const secretAccessKey = env.REELAY_S3_SECRET_ACCESS_KEY?.trim() || null;
  if ((accessKeyId === null) !== (secretAccessKey === null)) {
    throw new ConfigError('REELAY_S3_ACCESS_KEY_ID and REELAY_S3_SECRET_ACCESS_KEY go together');
  }
  return {
    driver: 's3',
    bucket,
    region: env.REELAY_S3_REGION?.trim() || 'us-east-1',
    endpoint,
    forcePathStyle: flag(env, 'REELAY_S3_FORCE_PATH_STYLE', false),
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : null,
    cacheDir: resolve(dataDir, 'storage-cache'),
  };
}

function signingSecret(env: Env): string | null {
  const secret = env.REELAY_SIGNING_SECRET?.trim() || null;
  if (secret !== null && secret.length < 32) {
    throw new ConfigError('REELAY_SIGNING_SECRET must be at least 32 characters');
  }
  return secret;
}

function jsonSetting(env: Env, name: string, example: string): unknown {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ConfigError(`${name} must be JSON like ${example}`);
  }
}

function httpUrl(env: Env, name: string, fallback: string): string {
  const raw = env[name]?.trim() || fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL; got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${name} must be an http(s) URL; got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

const UPSTREAM_IDS = ['local', 'kling', 'fal', 'replicate'];

function providerCosts(env: Env): UpstreamsConfig['costs'] {
  const costs = jsonSetting(env, 'REELAY_PROVIDER_COSTS', '{"fal":{"kling-3.0-omni":{"720p":7.2}}}') ?? {};
  if (typeof costs !== 'object' || costs === null || Array.isArray(costs)) {
    throw new ConfigError('REELAY_PROVIDER_COSTS must be an object of provider → model → variant → tokens');
  }
  const out: UpstreamsConfig['costs'] = {};
  for (const [provider, models] of Object.entries(costs)) {
    out[provider] = {};
    for (const [model, table] of Object.entries((models ?? {}) as Record<string, unknown>)) {
      out[provider][model] = {};
      for (const [variant, tokens] of Object.entries((table ?? {}) as Record<string, unknown>)) {
        if (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens < 0) {
          throw new ConfigError(
            `REELAY_PROVIDER_COSTS.${provider}.${model}.${variant} must be a number of tokens`,
          );
        }
        out[provider][model][variant] = Math.round(tokens * 1000);
      }
    }
  }
  return out;
}

function upstreams(env: Env): UpstreamsConfig {
  const get = (name: string) => env[name]?.trim() || null;
  const ak = get('REELAY_KLING_ACCESS_KEY');
  const sk = get('REELAY_KLING_SECRET_KEY');
  if ((ak === null) !== (sk === null)) {
    throw new ConfigError('REELAY_KLING_ACCESS_KEY and REELAY_KLING_SECRET_KEY must be set together');
  }
  const falKey = get('REELAY_FAL_KEY');
  const replicateToken = get('REELAY_REPLICATE_API_TOKEN');
  const routes = jsonSetting(env, 'REELAY_ROUTES', '{"kling-3.0-omni":["fal","kling"]}') ?? {};
  if (typeof routes !== 'object' || routes === null || Array.isArray(routes)) {
    throw new ConfigError('REELAY_ROUTES must be an object of model id → [provider ids]');
  }
  for (const [model, list] of Object.entries(routes)) {
    if (!Array.isArray(list) || list.some((id) => !UPSTREAM_IDS.includes(id))) {
      throw new ConfigError(`REELAY_ROUTES.${model} must be a list of ${UPSTREAM_IDS.join(', ')}`);
    }
  }
  const caps: Record<string, number> = {};
  for (const id of ['kling', 'fal', 'replicate']) {
    const name = `REELAY_${id.toUpperCase()}_MAX_CONCURRENT`;
    if (env[name]?.trim()) caps[id] = integer(env, name, 1, 1, 100_000);
  }
  const callback = get('REELAY_CALLBACK_URL');
  return {
    kling:
      ak && sk
        ? {
            accessKey: ak,
            secretKey: sk,
            baseUrl: httpUrl(env, 'REELAY_KLING_BASE_URL', 'https://api-singapore.klingai.com'),
          }
        : null,
    fal: falKey
      ? {
          key: falKey,
          queueUrl: httpUrl(env, 'REELAY_FAL_QUEUE_URL', 'https://queue.fal.run'),
          jwksUrl: httpUrl(env, 'REELAY_FAL_JWKS_URL', 'https://rest.alpha.fal.ai/.well-known/jwks.json'),
          userId: get('REELAY_FAL_USER_ID'),
        }
      : null,
    replicate: replicateToken
      ? {
          token: replicateToken,
          baseUrl: httpUrl(env, 'REELAY_REPLICATE_BASE_URL', 'https://api.replicate.com'),
          webhookSecret: get('REELAY_REPLICATE_WEBHOOK_SECRET'),
        }
      : null,
    routes: routes as Record<string, string[]>,
    caps,
    costs: providerCosts(env),
    timeoutMs: integer(env, 'REELAY_UPSTREAM_TIMEOUT_MS', 30_000, 100, 600_000),
    pollIntervalMs: integer(env, 'REELAY_UPSTREAM_POLL_MS', 5000, 10, 600_000),
    callbackBaseUrl: callback === null ? null : httpUrl(env, 'REELAY_CALLBACK_URL', callback),
  };
}

/** Reads the whole configuration from the environment, once. The only reader of process.env. */
export function loadConfig(env: Env = process.env): Readonly<Config> {
  const port = integer(env, 'PORT', 8080, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';
  const dataDir = resolve(env.REELAY_DATA_DIR?.trim() || '.reelay');
  const url = env.DATABASE_URL?.trim();
  const devKey = env.REELAY_DEV_KEY?.trim() || null;
  if (devKey !== null && !/^rl_(test|live)_[A-Za-z0-9]{16,64}$/.test(devKey)) {
    throw new ConfigError('REELAY_DEV_KEY must look like rl_test_ followed by 16 to 64 letters or digits');
  }
  const adminKey = env.REELAY_ADMIN_KEY?.trim() || null;
  if (adminKey !== null && !/^[\x21-\x7e]{24,256}$/.test(adminKey)) {
    throw new ConfigError('REELAY_ADMIN_KEY must be 24 to 256 printable characters without spaces');
  }
  const config: Config = {
    port,
    host,
    publicUrl: (env.REELAY_PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/+$/, ''),
    dataDir,
    database: url ? { driver: 'postgres', url } : { driver: 'pglite', dataDir: resolve(dataDir, 'pgdata') },
    storage: storage(env, dataDir),
    devAccount: {
      enabled:
        env.REELAY_DEV_ACCOUNT === undefined || env.REELAY_DEV_ACCOUNT.trim() === ''
          ? env.NODE_ENV?.trim() === 'production'
            ? 'off'
            : 'auto'
          : flag(env, 'REELAY_DEV_ACCOUNT', true)
            ? 'on'
            : 'off',
      key: devKey,
      startingTokens: integer(env, 'REELAY_DEV_TOKENS', 10_000, 0, 1_000_000_000),
    },
    worker: {
      concurrency: integer(env, 'REELAY_WORKER_CONCURRENCY', 4, 0, 256),
      pollIntervalMs: integer(env, 'REELAY_WORKER_POLL_MS', 1000, 10, 60_000),
      leaseSeconds: integer(env, 'REELAY_LEASE_SECONDS', 60, 5, 3600),
      stepTimeoutMs: integer(env, 'REELAY_STEP_TIMEOUT_SECONDS', 300, 1, 3600) * 1000,
    },
    render: {
      concurrency: integer(env, 'REELAY_RENDER_CONCURRENCY', 2, 1, 64),
      workDir: resolve(dataDir, 'renders'),
      ffmpegPath: env.REELAY_FFMPEG_PATH?.trim() || null,
      ffprobePath: env.REELAY_FFPROBE_PATH?.trim() || null,
      searchPath: env.PATH ?? '',
    },
    http: {
      headersTimeoutMs: integer(env, 'REELAY_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
      requestTimeoutMs: integer(env, 'REELAY_REQUEST_TIMEOUT_MS', 900_000, 1000, 86_400_000),
      idleTimeoutMs: integer(env, 'REELAY_IDLE_TIMEOUT_MS', 15_000, 100, 3_600_000),
      keepAliveTimeoutMs: integer(env, 'REELAY_KEEP_ALIVE_TIMEOUT_MS', 10_000, 100, 3_600_000),
    },
    limits: {
      maxUploadBytes: integer(env, 'REELAY_MAX_UPLOAD_BYTES', 500 * 1024 * 1024, 1024, 2 ** 40),
      maxJsonBytes: integer(env, 'REELAY_MAX_JSON_BYTES', 40 * 1024 * 1024, 1024, 2 ** 31),
      maxDataUriBytes: integer(env, 'REELAY_MAX_DATA_URI_BYTES', 20 * 1024 * 1024, 1024, 2 ** 31),
      keyRatePerMinute: integer(env, 'REELAY_KEY_RATE_PER_MINUTE', 600, 1, 10_000_000),
      maxConcurrentGenerations: integer(env, 'REELAY_MAX_CONCURRENT_GENERATIONS', 20, 1, 10_000_000),
    },
    adminKey,
    prices: prices(env),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    fetch: {
      allowHttp: flag(env, 'REELAY_FETCH_ALLOW_HTTP', false),
      allowPrivateAddresses: flag(env, 'REELAY_FETCH_ALLOW_PRIVATE', false),
      connectTimeoutMs: integer(env, 'REELAY_FETCH_CONNECT_TIMEOUT_MS', 10_000, 100, 120_000),
      totalTimeoutMs: integer(env, 'REELAY_FETCH_TIMEOUT_MS', 300_000, 1000, 3_600_000),
      maxBytes: integer(env, 'REELAY_FETCH_MAX_BYTES', 500 * 1024 * 1024, 1024, 2 ** 40),
      caFile: env.REELAY_FETCH_CA_FILE?.trim() ? resolve(env.REELAY_FETCH_CA_FILE.trim()) : null,
    },
    assets: {
      maxBytesByKind: {
        image: integer(env, 'REELAY_MAX_IMAGE_BYTES', 50 * 1024 * 1024, 1024, 2 ** 40),
        video: integer(env, 'REELAY_MAX_VIDEO_BYTES', 500 * 1024 * 1024, 1024, 2 ** 40),
        audio: integer(env, 'REELAY_MAX_AUDIO_BYTES', 200 * 1024 * 1024, 1024, 2 ** 40),
      },
      maxPixels: {
        image: integer(env, 'REELAY_MAX_IMAGE_PIXELS', 8192 * 8192, 65_536, 2 ** 30),
        videoFrame: integer(env, 'REELAY_MAX_VIDEO_FRAME_PIXELS', 4096 * 4096, 65_536, 2 ** 30),
      },
      signingSecret: signingSecret(env),
      signedUrlTtlSeconds: integer(env, 'REELAY_SIGNED_URL_TTL_SECONDS', 3600, 60, 604_800),
      retentionHours: integer(env, 'REELAY_ASSET_RETENTION_HOURS', 0, 0, 1_000_000),
      sweepIntervalMs: integer(env, 'REELAY_ASSET_SWEEP_SECONDS', 3600, 1, 86_400) * 1000,
    },
    upstreams: upstreams(env),
    events: { heartbeatMs: integer(env, 'REELAY_SSE_HEARTBEAT_MS', 15_000, 50, 300_000) },
    webhooks: {
      concurrency: integer(env, 'REELAY_WEBHOOK_CONCURRENCY', 4, 0, 256),
      timeoutMs: integer(env, 'REELAY_WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
      backoffBaseMs: integer(env, 'REELAY_WEBHOOK_BACKOFF_MS', 30_000, 1, 3_600_000),
      backoffMaxMs: integer(env, 'REELAY_WEBHOOK_BACKOFF_MAX_MS', 6 * 3_600_000, 1, 86_400_000),
      retryWindowMs: integer(env, 'REELAY_WEBHOOK_RETRY_SECONDS', 3 * 86_400, 0, 30 * 86_400) * 1000,
      secretGraceSeconds: integer(env, 'REELAY_WEBHOOK_SECRET_GRACE_SECONDS', 86_400, 0, 30 * 86_400),
    },
    deadlines: {
      defaultSeconds: integer(env, 'REELAY_DEADLINE_SECONDS', 3600, 1, 604_800),
      perModel: modelDeadlines(env),
    },
    shutdownGraceMs: integer(env, 'REELAY_SHUTDOWN_SECONDS', 20, 1, 3600) * 1000,
  };
  return Object.freeze(config);
}
