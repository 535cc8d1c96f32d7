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
    [{ REELAY_FAL_MAX_CONCURRENT: '0' }, 'REELAY_FAL_MAX_CONCURRENT'],
  ])('refuses %j naming the setting', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
