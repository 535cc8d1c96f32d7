import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { s3Settings, settings } from './config/settings.ts';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to port 8080 and the embedded database under ./.reelay', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.database).toEqual({ driver: 'pglite', dataDir: resolve('.reelay', 'pgdata') });
    expect(c.storage).toEqual({ driver: 'local', root: resolve('.reelay', 'storage') });
    expect(c.publicUrl).toBe('http://localhost:8080');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('runs the development account only where nobody said otherwise and not in production', () => {
    expect(loadConfig({}).devAccount.enabled).toBe('auto');
    expect(loadConfig({ NODE_ENV: 'production' }).devAccount.enabled).toBe('off');
    expect(loadConfig({ NODE_ENV: 'production', REELAY_DEV_ACCOUNT: 'on' }).devAccount.enabled).toBe('on');
    expect(loadConfig({ REELAY_DEV_ACCOUNT: 'off' }).devAccount.enabled).toBe('off');
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).database).toEqual({
      driver: 'postgres',
      url: 'postgres://u@h/db',
    });
  });

  it('reads price overrides in tokens and keeps them as thousandths', () => {
    expect(loadConfig({ REELAY_PRICES: '{"kling-3.0-omni":{"720p":6.5}}' }).prices).toEqual({
      'kling-3.0-omni': { '720p': 6500 },
    });
  });

  it.each([
    ['PORT', 'eighty', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be a whole number from 0 to 65535/],
    ['REELAY_DEV_KEY', 'short', /REELAY_DEV_KEY must look like/],
    ['REELAY_DEV_ACCOUNT', 'maybe', /REELAY_DEV_ACCOUNT must be on or off/],
    ['REELAY_PRICES', '{bad json', /REELAY_PRICES must be JSON/],
    ['REELAY_PRICES', '{"m":{"v":-1}}', /REELAY_PRICES.m.v must be a positive number/],
  ])('refuses %s=%s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('reads model and route lifecycles', () => {
    const table = {
      'kling-2.6': { status: 'deprecated', shutdownAt: '2027-03-01', replacement: 'kling-3.0' },
      'kling-3.0-omni@fal': { status: 'retired' },
    };
    expect(loadConfig({ REELAY_MODEL_LIFECYCLE: JSON.stringify(table) }).lifecycle).toEqual(table);
    expect(loadConfig({}).lifecycle).toEqual({});
  });

  it.each([
    ['{"no-such-model":{"status":"retired"}}', /REELAY_MODEL_LIFECYCLE.no-such-model names no model/],
    [
      '{"kling-2.6@nowhere":{"status":"retired"}}',
      /REELAY_MODEL_LIFECYCLE.kling-2.6@nowhere must be a model id or model@provider/,
    ],
    [
      '{"kling-2.6":{"status":"deprecated","replacement":"kling-9"}}',
      /REELAY_MODEL_LIFECYCLE.kling-2.6.replacement must be a model id of the catalog/,
    ],
    [
      '{"kling-2.6":{"status":"deprecated","shutdownAt":"2027-02-30"}}',
      /REELAY_MODEL_LIFECYCLE.kling-2.6.shutdownAt must be a date like 2027-03-01/,
    ],
    [
      '{"kling-2.6":{"status":"deprecated","deprecatedAt":"March 2027"}}',
      /REELAY_MODEL_LIFECYCLE.kling-2.6.deprecatedAt must be a date/,
    ],
    [
      '{"kling-2.6":{"status":"gone"}}',
      /REELAY_MODEL_LIFECYCLE.kling-2.6.status must be active, deprecated or retired/,
    ],
    ['{"kling-2.6":{"status":"retired","when":"now"}}', /REELAY_MODEL_LIFECYCLE.kling-2.6/],
  ])('refuses REELAY_MODEL_LIFECYCLE=%s naming the bad key', (value, message) => {
    expect(() => loadConfig({ REELAY_MODEL_LIFECYCLE: value })).toThrow(ConfigError);
    expect(() => loadConfig({ REELAY_MODEL_LIFECYCLE: value })).toThrow(message);
  });

  it('ignores variables it does not know, REELAY_ ones included', () => {
    expect(loadConfig({ REELAY_NOT_A_SETTING: 'on', REELAY_PORT: 'eighty', OTHER: 'x' })).toEqual(
      loadConfig({}),
    );
  });

  it('keeps the given text settings trimmed, and unset when blank', () => {
    const c = loadConfig({
      HOST: ' 0.0.0.0 ',
      REELAY_PUBLIC_URL: 'https://gw.example.com//',
      DATABASE_URL: '  ',
    });
    expect(c.host).toBe('0.0.0.0');
    expect(c.publicUrl).toBe('https://gw.example.com');
    expect(c.database.driver).toBe('pglite');
  });

  it('reads the S3 settings with the s3 driver only', () => {
    const leftovers = { REELAY_S3_ENDPOINT: 'not a url', REELAY_S3_FORCE_PATH_STYLE: 'maybe' };
    expect(loadConfig(leftovers).storage.driver).toBe('local');
    expect(
      loadConfig({
        REELAY_DATA_DIR: '/srv/reelay',
        REELAY_STORAGE_DRIVER: ' s3 ',
        REELAY_S3_BUCKET: 'media',
        REELAY_S3_ENDPOINT: 'http://minio:9000',
        REELAY_S3_FORCE_PATH_STYLE: 'yes',
        REELAY_S3_ACCESS_KEY_ID: 'id',
        REELAY_S3_SECRET_ACCESS_KEY: 'secret',
      }).storage,
    ).toEqual({
      driver: 's3',
      bucket: 'media',
      region: 'us-east-1',
      endpoint: 'http://minio:9000',
      forcePathStyle: true,
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      cacheDir: resolve('/srv/reelay', 'storage-cache'),
    });
    expect(() => loadConfig({ REELAY_STORAGE_DRIVER: 's3', ...leftovers })).toThrow(
      'REELAY_S3_BUCKET is required with REELAY_STORAGE_DRIVER=s3',
    );
    expect(() => loadConfig({ REELAY_STORAGE_DRIVER: 's3', REELAY_S3_BUCKET: 'b', ...leftovers })).toThrow(
      'REELAY_S3_ENDPOINT must be an http(s) URL; got "not a url"',
    );
    expect(() => loadConfig({ REELAY_STORAGE_DRIVER: 'gcs' })).toThrow(
      'REELAY_STORAGE_DRIVER must be local or s3; got "gcs"',
    );
  });

  it('signs outputs by default with the development certificate, refusing opt-outs', () => {
    expect(loadConfig({}).provenance).toEqual({
      enabled: true,
      certPath: null,
      keyPath: null,
      allowOptOut: false,
    });
  });

  it('reads the operator certificate and key as paths, and refuses one without the other', () => {
    const c = loadConfig({
      REELAY_C2PA_CERT: 'certs/chain.pem',
      REELAY_C2PA_KEY: '/etc/reelay/key.pem',
      REELAY_C2PA_ALLOW_OPT_OUT: 'true',
      REELAY_C2PA: 'false',
    });
    expect(c.provenance).toEqual({
      enabled: false,
      certPath: resolve('certs/chain.pem'),
      keyPath: '/etc/reelay/key.pem',
      allowOptOut: true,
    });
    expect(() => loadConfig({ REELAY_C2PA_CERT: 'chain.pem' })).toThrow(
      'REELAY_C2PA_CERT and REELAY_C2PA_KEY go together',
    );
  });

  // Settings whose value is any text (a host, a path, a connection string): nothing to refuse.
  const freeText = new Set([
    'HOST',
    'REELAY_PUBLIC_URL',
    'REELAY_DATA_DIR',
    'DATABASE_URL',
    'REELAY_STORAGE_DIR',
    'LOG_LEVEL',
    'NODE_ENV',
    'REELAY_FFMPEG_PATH',
    'REELAY_FFPROBE_PATH',
    'PATH',
    'REELAY_FETCH_CA_FILE',
    'REELAY_C2PA_CERT',
    'REELAY_C2PA_KEY',
    'REELAY_S3_BUCKET',
    'REELAY_S3_REGION',
    'REELAY_S3_ACCESS_KEY_ID',
    'REELAY_S3_SECRET_ACCESS_KEY',
  ]);
  const s3Base = { REELAY_STORAGE_DRIVER: 's3', REELAY_S3_BUCKET: 'media' };
  const readable = [
    ...Object.keys(settings.shape).map((name) => [name, {}] as const),
    ...Object.keys(s3Settings.shape).map((name) => [name, s3Base] as const),
  ].filter(([name]) => !freeText.has(name));

  it.each(readable)('refuses an unreadable %s with a message that starts with its name', (name, base) => {
    const read = () => loadConfig({ ...base, [name]: '{nonsense' });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(new RegExp(`^${name} must `));
  });
});
