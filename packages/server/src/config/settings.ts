import { findModel, lifecycleDate } from '@reelay/catalog';
import { z } from 'zod';
import { PROVIDER_IDS } from '../providers/upstream-ids.ts';
import {
  flag,
  httpUrl,
  jsonTable,
  listOf,
  oneOf,
  optionalFlag,
  optionalHttpUrl,
  optionalText,
  optionalWholeNumber,
  requiredText,
  text,
  wholeNumber,
} from './setting-kinds.ts';

/*
 * Every environment variable the gateway reads, one declaration each: its kind, default and range (see
 * setting-kinds.ts). The README's configuration table says what each one means. Variables named nowhere here
 * are ignored.
 */

const MB = 1024 * 1024;
const DAY_SECONDS = 86_400;
const WEEK_SECONDS = 7 * DAY_SECONDS;

/** Tokens are given as decimals and kept as thousandths of a token (6.4 → 6400). */
const thousandths = (tokens: number) => Math.round(tokens * 1000);

const positiveTokens = 'must be a positive number of tokens';
const anyTokens = 'must be a number of tokens';
const deadlineSeconds = `must be a number of seconds up to ${WEEK_SECONDS}`;

/** Price overrides: model id → variant → tokens (more than 0) per billed unit. */
const priceTable = z.record(
  z.string(),
  z.record(
    z.string(),
    z.number(positiveTokens).positive(positiveTokens).transform(thousandths),
    'must be an object of variant → tokens',
  ),
  'must be an object of model id → {variant: tokens}',
);

/** Deadlines per model: model id → seconds (more than 0, at most a week). */
const deadlineTable = z.record(
  z.string(),
  z.number(deadlineSeconds).positive(deadlineSeconds).max(WEEK_SECONDS, deadlineSeconds),
  'must be an object of model id → seconds',
);

/** Routes: model id → the providers to try, in order (replaces that model's default route). */
const routeTable = z.record(
  z.string(),
  z.custom<string[]>(
    (ids) => Array.isArray(ids) && ids.every((id) => PROVIDER_IDS.includes(id)),
    `must be a list of ${PROVIDER_IDS.join(', ')}`,
  ),
  'must be an object of model id → [provider ids]',
);

/**
 * Lifecycles: `<model id>` or `<model id>@<provider id>` → status, dates and replacement. Every model and
 * replacement must be in the catalog, every provider known, every date ISO 8601.
 */
const lifecycleTable = z
  .record(
    z.string(),
    z.strictObject(
      {
        status: z.enum(['active', 'deprecated', 'retired'], 'must be active, deprecated or retired'),
        deprecatedAt: z
          .string()
          .refine((d) => lifecycleDate(d) !== null, 'must be a date like 2027-03-01')
          .optional(),
        shutdownAt: z
          .string()
          .refine((d) => lifecycleDate(d) !== null, 'must be a date like 2027-03-01')
          .optional(),
        replacement: z
          .string()
          .refine((id) => findModel(id) !== undefined, 'must be a model id of the catalog')
          .optional(),
      },
      'must be an object with status and optionally deprecatedAt, shutdownAt, replacement',
    ),
    'must be an object of model id (or model@provider) → lifecycle',
  )
  .superRefine((table, context) => {
    for (const key of Object.keys(table)) {
      const [model = '', provider, ...rest] = key.split('@');
      if (findModel(model) === undefined) {
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `names no model of the catalog (${model})`,
        });
      } else if (rest.length > 0 || (provider !== undefined && !PROVIDER_IDS.includes(provider))) {
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `must be a model id or model@provider, with provider one of ${PROVIDER_IDS.join(', ')}`,
        });
      }
    }
  });

/** What providers cost: provider id → model id → variant → tokens (0 or more) per billed unit. */
const costTable = z.record(
  z.string(),
  z.record(
    z.string(),
    z.record(
      z.string(),
      z.number(anyTokens).nonnegative(anyTokens).transform(thousandths),
      'must be an object of variant → tokens',
    ),
    'must be an object of model id → {variant: tokens}',
  ),
  'must be an object of provider → model → variant → tokens',
);

/** The settings always read, grouped as in the README's table. */
export const settings = z.object({
  // Where the gateway listens and keeps its data.
  PORT: wholeNumber(8080, 0, 65_535),
  HOST: text('127.0.0.1'),
  /** Unset: http://localhost:$PORT. */
  REELAY_PUBLIC_URL: optionalText(),
  REELAY_DATA_DIR: text('.reelay'),
  /** Unset: the embedded PGlite in $REELAY_DATA_DIR/pgdata. */
  DATABASE_URL: optionalText(),
  /** Unset: $REELAY_DATA_DIR/storage (local storage only). */
  REELAY_STORAGE_DIR: optionalText(),
  LOG_LEVEL: text('info'),
  /** auto: a readable line per request when standard output is a terminal, else one JSON line. */
  REELAY_LOG_FORMAT: oneOf(['auto', 'json', 'pretty'], 'auto'),
  /** `production` turns the development account off unless REELAY_DEV_ACCOUNT says otherwise. */
  NODE_ENV: optionalText(),

  // The development account and the operator.
  /** Unset: auto (see Config.devAccount). */
  REELAY_DEV_ACCOUNT: optionalFlag(),
  /** Unset: generated. */
  REELAY_DEV_KEY: optionalText({
    valid: (key) => /^rl_(test|live)_[A-Za-z0-9]{16,64}$/.test(key),
    must: 'must look like rl_test_ followed by 16 to 64 letters or digits',
  }),
  REELAY_DEV_TOKENS: wholeNumber(10_000, 0, 1_000_000_000),
  /** Unset: no admin API. */
  REELAY_ADMIN_KEY: optionalText({
    valid: (key) => /^[\x21-\x7e]{24,256}$/.test(key),
    must: 'must be 24 to 256 printable characters without spaces',
  }),

  // Metrics and traces for the operator.
  /** Unset: no metrics are kept and /metrics answers 404. */
  REELAY_METRICS_TOKEN: optionalText({
    valid: (token) => /^[\x21-\x7e]{16,256}$/.test(token),
    must: 'must be 16 to 256 printable characters without spaces',
  }),
  /** A worker-only process (`npm run worker`) serves /metrics on this port; unset: it serves none. */
  REELAY_METRICS_PORT: optionalWholeNumber(1, 65_535),
  /** Unset: no traces. An OTLP/HTTP collector's base URL (the exporter adds /v1/traces). */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalHttpUrl(),
  /** Unset: reelay. */
  OTEL_SERVICE_NAME: optionalText({
    valid: (name) => /^[A-Za-z0-9._-]{1,100}$/.test(name),
    must: 'must be 1 to 100 letters, digits, dots, dashes or underscores',
  }),

  // Limits per account and key, and prices.
  REELAY_KEY_RATE_PER_MINUTE: wholeNumber(600, 1, 10_000_000),
  /** How long a running first request holds its Idempotency-Key without renewing it (renewed every third). */
  REELAY_IDEMPOTENCY_LEASE_MS: wholeNumber(6_000, 300, 600_000),
  REELAY_MAX_CONCURRENT_GENERATIONS: wholeNumber(20, 1, 10_000_000),
  REELAY_PRICES: jsonTable('{"kling-3.0-omni":{"720p":6.4}}', priceTable),

  // Workers and the local renderer.
  REELAY_WORKER_CONCURRENCY: wholeNumber(4, 0, 256),
  REELAY_WORKER_POLL_MS: wholeNumber(1000, 10, 60_000),
  REELAY_LEASE_SECONDS: wholeNumber(60, 5, 3600),
  REELAY_RENDER_CONCURRENCY: wholeNumber(2, 1, 64),
  /** Unset: found on PATH, else the npm-shipped binaries. */
  REELAY_FFMPEG_PATH: optionalText(),
  REELAY_FFPROBE_PATH: optionalText(),
  /** Where ffmpeg and ffprobe are looked for, as given. */
  PATH: z.string().default(''),

  // Request sizes and HTTP timeouts.
  REELAY_MAX_UPLOAD_BYTES: wholeNumber(500 * MB, 1024, 2 ** 40),
  REELAY_MAX_JSON_BYTES: wholeNumber(40 * MB, 1024, 2 ** 31),
  REELAY_HEADERS_TIMEOUT_MS: wholeNumber(10_000, 100, 600_000),
  REELAY_REQUEST_TIMEOUT_MS: wholeNumber(900_000, 1000, 86_400_000),
  REELAY_IDLE_TIMEOUT_MS: wholeNumber(15_000, 100, 3_600_000),
  REELAY_KEEP_ALIVE_TIMEOUT_MS: wholeNumber(10_000, 100, 3_600_000),
  REELAY_MAX_DATA_URI_BYTES: wholeNumber(20 * MB, 1024, 2 ** 31),

  // Outbound fetches (https inputs, upstream outputs, webhooks).
  REELAY_FETCH_ALLOW_HTTP: flag(false),
  REELAY_FETCH_ALLOW_PRIVATE: flag(false),
  REELAY_FETCH_CONNECT_TIMEOUT_MS: wholeNumber(10_000, 100, 120_000),
  REELAY_FETCH_TIMEOUT_MS: wholeNumber(300_000, 1000, 3_600_000),
  REELAY_FETCH_MAX_BYTES: wholeNumber(500 * MB, 1024, 2 ** 40),
  /** Unset: no extra certificate authorities. */
  REELAY_FETCH_CA_FILE: optionalText(),

  // Stored media.
  REELAY_MAX_IMAGE_BYTES: wholeNumber(50 * MB, 1024, 2 ** 40),
  REELAY_MAX_VIDEO_BYTES: wholeNumber(500 * MB, 1024, 2 ** 40),
  REELAY_MAX_AUDIO_BYTES: wholeNumber(200 * MB, 1024, 2 ** 40),
  REELAY_MAX_IMAGE_PIXELS: wholeNumber(8192 * 8192, 65_536, 2 ** 30),
  REELAY_MAX_VIDEO_FRAME_PIXELS: wholeNumber(4096 * 4096, 65_536, 2 ** 30),
  /** `s3` reads the settings of `s3Settings` below. */
  REELAY_STORAGE_DRIVER: oneOf(['local', 's3'], 'local'),
  /** Unset: a secret kept in $REELAY_DATA_DIR/signing-secret. */
  REELAY_SIGNING_SECRET: optionalText({
    valid: (secret) => secret.length >= 32,
    must: 'must be at least 32 characters',
  }),
  REELAY_SIGNED_URL_TTL_SECONDS: wholeNumber(3600, 60, WEEK_SECONDS),
  /** 0: keep assets for ever. */
  REELAY_ASSET_RETENTION_HOURS: wholeNumber(0, 0, 1_000_000),
  REELAY_ASSET_SWEEP_SECONDS: wholeNumber(3600, 1, DAY_SECONDS),
  /** Stored files no asset row names are deleted once this old; 0: never. */
  REELAY_ORPHAN_GRACE_SECONDS: wholeNumber(3600, 0, WEEK_SECONDS),
  /** C2PA manifests on every stored output (off: outputs are stored `disabled`). */
  REELAY_C2PA: flag(true),
  /** Both unset: a development certificate made in $REELAY_DATA_DIR/c2pa on first start. PEM, signing certificate first. */
  REELAY_C2PA_CERT: optionalText(),
  /** The PEM private key (P-256) of REELAY_C2PA_CERT's first certificate. */
  REELAY_C2PA_KEY: optionalText(),
  /** Whether a request may turn its outputs' manifests off with `provenance: false`. */
  REELAY_C2PA_ALLOW_OPT_OUT: flag(false),
  /** Test-only faults, comma-separated (`exit-after-output-stored`, `exit-after-start-answer`); unset in production. */
  REELAY_TEST_FAULTS: listOf(['exit-after-output-stored', 'exit-after-start-answer']),

  // Upstream providers (each one's own settings are in its group below).
  /** Unset: no cap. */
  REELAY_KLING_MAX_CONCURRENT: optionalWholeNumber(1, 100_000),
  REELAY_FAL_MAX_CONCURRENT: optionalWholeNumber(1, 100_000),
  REELAY_REPLICATE_MAX_CONCURRENT: optionalWholeNumber(1, 100_000),
  REELAY_ROUTES: jsonTable('{"kling-3.0-omni":["fal","kling"]}', routeTable),
  REELAY_MODEL_LIFECYCLE: jsonTable(
    '{"kling-2.6":{"status":"deprecated","shutdownAt":"2027-03-01","replacement":"kling-3.0-omni"}}',
    lifecycleTable,
  ),
  REELAY_PROVIDER_COSTS: jsonTable('{"fal":{"kling-3.0-omni":{"720p":7.2}}}', costTable),
  REELAY_UPSTREAM_TIMEOUT_MS: wholeNumber(30_000, 100, 600_000),
  REELAY_UPSTREAM_POLL_MS: wholeNumber(5000, 10, 600_000),
  /** Unset: upstream work is polled only. */
  REELAY_CALLBACK_URL: optionalHttpUrl(),
  /**
   * How input files reach upstreams: auto (signed links when they are https, else each upstream's own upload),
   * upload (the upstream's own upload even when links would work), link (signed links only).
   */
  REELAY_UPSTREAM_INPUTS: oneOf(['auto', 'upload', 'link'], 'auto'),
  /** Lifetime of a signed link handed to an upstream (signed afresh for every attempt). */
  REELAY_UPSTREAM_LINK_TTL_SECONDS: wholeNumber(DAY_SECONDS, 600, WEEK_SECONDS),

  // Deadlines and shutdown.
  REELAY_STEP_TIMEOUT_SECONDS: wholeNumber(300, 1, 3600),
  REELAY_DEADLINE_SECONDS: wholeNumber(3600, 1, WEEK_SECONDS),
  /** How long the worker keeps asking an upstream whose outcome is unknown before it fails `upstream_outcome_unknown`. */
  REELAY_RECONCILE_GIVE_UP_SECONDS: wholeNumber(72 * 3600, 1, 4 * WEEK_SECONDS),
  REELAY_MODEL_DEADLINES: jsonTable('{"kling-3.0-omni":900}', deadlineTable),
  REELAY_SHUTDOWN_SECONDS: wholeNumber(20, 1, 3600),

  // Event streams and webhooks.
  REELAY_SSE_HEARTBEAT_MS: wholeNumber(15_000, 50, 300_000),
  REELAY_WEBHOOK_CONCURRENCY: wholeNumber(4, 0, 256),
  REELAY_WEBHOOK_TIMEOUT_MS: wholeNumber(10_000, 100, 120_000),
  REELAY_WEBHOOK_BACKOFF_MS: wholeNumber(30_000, 1, 3_600_000),
  REELAY_WEBHOOK_BACKOFF_MAX_MS: wholeNumber(6 * 3_600_000, 1, 86_400_000),
  REELAY_WEBHOOK_RETRY_SECONDS: wholeNumber(3 * DAY_SECONDS, 0, 30 * DAY_SECONDS),
  REELAY_WEBHOOK_SECRET_GRACE_SECONDS: wholeNumber(DAY_SECONDS, 0, 30 * DAY_SECONDS),
});

/*
 * Settings of a storage driver or provider that is not in use are not read at all, so a leftover value of one
 * cannot stop the gateway.
 */

/** Read with REELAY_STORAGE_DRIVER=s3 only. */
export const s3Settings = z
  .object({
    REELAY_S3_BUCKET: requiredText('is required with REELAY_STORAGE_DRIVER=s3'),
    REELAY_S3_REGION: text('us-east-1'),
    /** Unset: AWS. */
    REELAY_S3_ENDPOINT: optionalText({
      valid: (url) => /^https?:\/\/[^\s]+$/.test(url),
      must: (url) => `must be an http(s) URL; got "${url}"`,
    }),
    REELAY_S3_FORCE_PATH_STYLE: flag(false),
    /** Both unset: the AWS SDK's default chain. */
    REELAY_S3_ACCESS_KEY_ID: optionalText(),
    REELAY_S3_SECRET_ACCESS_KEY: optionalText(),
  })
  .refine(
    (s3) => (s3.REELAY_S3_ACCESS_KEY_ID === null) === (s3.REELAY_S3_SECRET_ACCESS_KEY === null),
    'REELAY_S3_ACCESS_KEY_ID and REELAY_S3_SECRET_ACCESS_KEY go together',
  );

/** Read when either Kling key is set: the two enable the `kling` provider together. */
export const klingSettings = z.object({
  REELAY_KLING_ACCESS_KEY: requiredText('must be set together with REELAY_KLING_SECRET_KEY'),
  REELAY_KLING_SECRET_KEY: requiredText('must be set together with REELAY_KLING_ACCESS_KEY'),
  REELAY_KLING_BASE_URL: httpUrl('https://api-singapore.klingai.com'),
});

/** Read when REELAY_FAL_KEY is set: it enables the `fal` provider. */
export const falSettings = z.object({
  REELAY_FAL_KEY: requiredText('is required'),
  REELAY_FAL_QUEUE_URL: httpUrl('https://queue.fal.run'),
  REELAY_FAL_JWKS_URL: httpUrl('https://rest.alpha.fal.ai/.well-known/jwks.json'),
  /** Unset: webhooks of any fal user are accepted. */
  REELAY_FAL_USER_ID: optionalText(),
  REELAY_FAL_STORAGE_URL: httpUrl('https://rest.fal.ai'),
  /** fal's per-endpoint OpenAPI document (`?endpoint_id=` is added), read by `reelay upstreams check`. */
  REELAY_FAL_SCHEMA_URL: httpUrl('https://fal.ai/api/openapi/queue/openapi.json'),
  /** fal's platform API origin (its pricing API), read by `reelay upstreams check`. */
  REELAY_FAL_API_URL: httpUrl('https://api.fal.ai'),
});

/** Read when REELAY_REPLICATE_API_TOKEN is set: it enables the `replicate` provider. */
export const replicateSettings = z.object({
  REELAY_REPLICATE_API_TOKEN: requiredText('is required'),
  REELAY_REPLICATE_BASE_URL: httpUrl('https://api.replicate.com'),
  /** Unset: Replicate webhooks are refused. */
  REELAY_REPLICATE_WEBHOOK_SECRET: optionalText(),
});
