import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('upstream settings', () => {
  it('enables no upstream by default', () => {
    const u = loadConfig({}).upstreams;
    expect([u.kling, u.fal, u.replicate]).toEqual([null, null, null]);
    expect(u.routes).toEqual({});
    expect(u.callbackBaseUrl).toBeNull();
  });

  it('enables each upstream by its credentials, with documented default URLs', () => {
    const u = loadConfig({
      REELAY_KLING_ACCESS_KEY: 'ak',
      REELAY_KLING_SECRET_KEY: 'sk',
      REELAY_FAL_KEY: 'fk',
      REELAY_REPLICATE_API_TOKEN: 'r8',
      REELAY_KLING_MAX_CONCURRENT: '5',
      REELAY_ROUTES: '{"kling-3.0-omni":["fal","kling"]}',
      REELAY_PROVIDER_COSTS: '{"fal":{"kling-3.0-omni":{"720p":7.2}}}',
      REELAY_CALLBACK_URL: 'https://gw.example.com/',
    }).upstreams;
    expect(u.kling).toEqual({
      accessKey: 'ak',
      secretKey: 'sk',
      baseUrl: 'https://api-singapore.klingai.com',
    });
    expect(u.fal?.queueUrl).toBe('https://queue.fal.run');
    expect(u.replicate?.baseUrl).toBe('https://api.replicate.com');
    expect(u.caps).toEqual({ kling: 5 });
    expect(u.routes).toEqual({ 'kling-3.0-omni': ['fal', 'kling'] });
    expect(u.costs).toEqual({ fal: { 'kling-3.0-omni': { '720p': 7200 } } });
    expect(u.callbackBaseUrl).toBe('https://gw.example.com');
  });

  it.each([
    [{ REELAY_KLING_ACCESS_KEY: 'ak' }, 'REELAY_KLING_SECRET_KEY'],
    [{ REELAY_ROUTES: '{"kling-3.0-omni":["midjourney"]}' }, 'REELAY_ROUTES.kling-3.0-omni'],
    [{ REELAY_ROUTES: '[' }, 'REELAY_ROUTES must be JSON'],
    [{ REELAY_PROVIDER_COSTS: '{"fal":{"m":{"v":"x"}}}' }, 'REELAY_PROVIDER_COSTS.fal.m.v'],
    [{ REELAY_FAL_KEY: 'k', REELAY_FAL_QUEUE_URL: 'ftp://x' }, 'REELAY_FAL_QUEUE_URL'],
    [{ REELAY_FAL_KEY: 'k', REELAY_FAL_SCHEMA_URL: 'fal.ai/openapi' }, 'REELAY_FAL_SCHEMA_URL'],
    [{ REELAY_FAL_MAX_CONCURRENT: '0' }, 'REELAY_FAL_MAX_CONCURRENT'],
  ])('refuses %j naming the setting', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('reads the settings of a provider only when its credentials are set', () => {
    const leftovers = {
      REELAY_KLING_BASE_URL: 'nowhere',
      REELAY_FAL_QUEUE_URL: 'ftp://x',
      REELAY_REPLICATE_BASE_URL: 'ftp://x',
    };
    expect(loadConfig(leftovers).upstreams.fal).toBeNull();
    expect(() => loadConfig({ ...leftovers, REELAY_REPLICATE_API_TOKEN: 'r8' })).toThrow(
      'REELAY_REPLICATE_BASE_URL must be an http(s) URL; got "ftp://x"',
    );
    expect(() => loadConfig({ REELAY_KLING_SECRET_KEY: 'sk' })).toThrow(
      'REELAY_KLING_ACCESS_KEY must be set together with REELAY_KLING_SECRET_KEY',
    );
  });

  it('reads trimmed credentials and URLs without trailing slashes', () => {
    const u = loadConfig({
      REELAY_FAL_KEY: ' fk ',
      REELAY_FAL_QUEUE_URL: ' https://queue.example.com// ',
      REELAY_FAL_USER_ID: ' user ',
      REELAY_FAL_API_URL: 'https://api.fal.example.com/',
      REELAY_REPLICATE_API_TOKEN: 'r8',
      REELAY_REPLICATE_WEBHOOK_SECRET: 'whsec_x',
      REELAY_FAL_MAX_CONCURRENT: ' 3 ',
      REELAY_REPLICATE_MAX_CONCURRENT: '  ',
    }).upstreams;
    expect(u.fal).toEqual({
      key: 'fk',
      queueUrl: 'https://queue.example.com',
      jwksUrl: 'https://rest.alpha.fal.ai/.well-known/jwks.json',
      userId: 'user',
      storageUrl: 'https://rest.fal.ai',
      schemaUrl: 'https://fal.ai/api/openapi/queue/openapi.json',
      apiUrl: 'https://api.fal.example.com',
    });
    expect(u.replicate).toEqual({
      token: 'r8',
      baseUrl: 'https://api.replicate.com',
      webhookSecret: 'whsec_x',
    });
    expect(u.caps).toEqual({ fal: 3 });
  });
});
