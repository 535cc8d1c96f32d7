import { libFile, startChild } from './child.ts';

/** The development key every benchmark gateway uses, so API and worker processes share it. */
export const BENCH_KEY = 'rl_test_benchbenchbenchbench0001';
/** The admin key of benchmark gateways (accounts for multi-account load are made through the admin API). */
export const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

/**
 * Environment of a benchmark gateway. The development account's limits are lifted so they never decide a
 * figure: a balance of 10⁹ tokens, 10⁷ requests a minute per key and 10⁷ generations in flight. The checks
 * themselves (rate count, concurrency check, hold) still run on every create, as in production.
 */
export function gatewayEnv(dataDir: string, databaseUrl: string | null, extra: Record<string, string> = {}) {
  return {
    REELAY_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl ?? '',
    PORT: '0',
    LOG_LEVEL: 'error',
    REELAY_DEV_KEY: BENCH_KEY,
    REELAY_ADMIN_KEY: ADMIN_KEY,
    REELAY_DEV_TOKENS: '1000000000',
    REELAY_KEY_RATE_PER_MINUTE: '10000000',
    REELAY_MAX_CONCURRENT_GENERATIONS: '10000000',
    // A loopback upstream's outputs are downloaded by the worker's guarded fetch, which takes plain-HTTP
    // loopback addresses only when allowed.
    ...(extra.BENCH_UPSTREAM ? { REELAY_FETCH_ALLOW_HTTP: 'on', REELAY_FETCH_ALLOW_PRIVATE: 'on' } : {}),
    ...extra,
  };
}

/** Extra node flags for gateway processes: `--cpu-prof` into BENCH_CPU_PROF when that is set. */
export function profileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

export interface GatewayInfo {
  port: number;
  devKey: string | null;
}

/** Starts bench/lib/gateway-main.ts with `env` (see gatewayEnv) and BENCH_ROLE `role`. */
export function startGateway(env: Record<string, string>, role: 'all' | 'api' | 'worker' = 'all') {
  return startChild<GatewayInfo>(
    libFile('gateway-main.ts'),
    { ...env, BENCH_ROLE: role },
    { nodeArgs: profileArgs() },
  );
}

/** The body every create benchmark sends: the catalog's reference model, 720p, 3 s, no audio. */
export const CREATE_BODY = JSON.stringify({
  type: 'video',
  model: 'kling-3.0-omni',
  input: {
    prompt: 'cinematic drone shot over a city at night',
    aspectRatio: '9:16',
    resolution: '720p',
    duration: 3,
    audioEnabled: false,
  },
});

export const authHeaders = (key: string) => ({
  authorization: `Bearer ${key}`,
  'content-type': 'application/json',
});
