import { resolve } from 'node:path';
import type { PriceOverrides } from '@reelay/catalog';

/** Where the gateway keeps its data. PGlite when no DATABASE_URL is set. */
export type DatabaseConfig = { driver: 'pglite'; dataDir: string } | { driver: 'postgres'; url: string };

export type StorageConfig = { driver: 'local'; root: string };

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  database: DatabaseConfig;
  storage: StorageConfig;
  devAccount: { enabled: boolean; key: string | null; startingTokens: number };
  worker: { concurrency: number; pollIntervalMs: number; leaseSeconds: number };
  render: {
    concurrency: number;
    workDir: string;
    ffmpegPath: string | null;
    ffprobePath: string | null;
    /** Where to look for ffmpeg and ffprobe (the PATH). */
    searchPath: string;
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
    storage: {
      driver: 'local',
      root: resolve(env.REELAY_STORAGE_DIR?.trim() || resolve(dataDir, 'storage')),
    },
    devAccount: {
      enabled: flag(env, 'REELAY_DEV_ACCOUNT', true),
      key: devKey,
      startingTokens: integer(env, 'REELAY_DEV_TOKENS', 10_000, 0, 1_000_000_000),
    },
    worker: {
      concurrency: integer(env, 'REELAY_WORKER_CONCURRENCY', 4, 0, 256),
      pollIntervalMs: integer(env, 'REELAY_WORKER_POLL_MS', 1000, 10, 60_000),
      leaseSeconds: integer(env, 'REELAY_LEASE_SECONDS', 60, 5, 3600),
    },
    render: {
      concurrency: integer(env, 'REELAY_RENDER_CONCURRENCY', 2, 1, 64),
      workDir: resolve(dataDir, 'renders'),
      ffmpegPath: env.REELAY_FFMPEG_PATH?.trim() || null,
      ffprobePath: env.REELAY_FFPROBE_PATH?.trim() || null,
      searchPath: env.PATH ?? '',
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
  };
  return Object.freeze(config);
}
