import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
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
});
