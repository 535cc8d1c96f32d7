import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable } from '../../src/api/route-access.ts';
import { startGateway, type TestGateway } from '../harness.ts';
import { rawRequest } from './raw-request.ts';

const ADMIN = 'admin-key-for-path-tests-0123456789';

/** Other spellings of a path that a lenient router or proxy could take for the same route. */
function spellingsOf(path: string, origin: string): string[] {
  const segments = path.split('/');
  const out = new Set<string>();
  const at = (i: number, replacement: string) =>
    segments.map((s, j) => (j === i ? replacement : s)).join('/');
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i] ?? '';
    if (s === '') continue;
    const code = s.charCodeAt(0).toString(16);
    out.add(at(i, `%${code}${s.slice(1)}`)); // %61pi
    out.add(at(i, `%${code.toUpperCase()}${s.slice(1)}`));
    out.add(at(i, `${s.slice(0, -1)}%${s.charCodeAt(s.length - 1).toString(16)}`)); // ap%69
    out.add(at(i, s.toUpperCase()));
    out.add(at(i, `${s[0]?.toUpperCase()}${s.slice(1)}`));
    out.add(at(i, `${s};x=1`));
    out.add(at(i, `${s};`));
    out.add(at(i, `./${s}`));
    out.add(at(i, `x/../${s}`));
    out.add(at(i, `%2e/${s}`));
    out.add(at(i, `x/%2e%2e/${s}`));
    out.add(at(i, `/${s}`)); // a doubled slash before it
    if (i < segments.length - 1) {
      out.add(segments.slice(0, i + 1).join('/') + '%2F' + segments.slice(i + 1).join('/'));
      out.add(segments.slice(0, i + 1).join('/') + '%2f' + segments.slice(i + 1).join('/'));
      out.add(segments.slice(0, i + 1).join('/') + '\\' + segments.slice(i + 1).join('/'));
    }
  }
  out.add(`${path}/`);
  out.add(`${path}/.`);
  out.add(`${path}//`);
  out.add(`/${path}`);
  out.add(`${path};`);
  out.add(`${path}%20`);
  out.add(`${path}#x`);
  out.add(`${origin}/${path.slice(1).replace('a', '%61')}`);
  out.add(`${origin}/${path}`);
  out.add(`${origin.toUpperCase()}${path}/`);
  out.delete(path);
  return [...out];
}

const sample = (pattern: string) =>
  pattern.replace(':id', 'acct_dev').replace(':provider', 'kling').replace(':name', 'site.css');

describe('guards decide on the matched route, whatever the spelling', () => {
  let t: TestGateway;
  let origin: string;
  let routes: { method: string; pattern: string; access: string }[];
  beforeAll(async () => {
    t = await startGateway('pglite', { REELAY_ADMIN_KEY: ADMIN });
    origin = t.baseUrl;
    routes = routeTable(t.gateway.http).filter((r) => r.access === 'key' || r.access === 'admin');
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function accountCount(): Promise<number> {
    const rows = await t.gateway.db.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts');
    return rows[0]?.n ?? -1;
  }

  it('knows which routes it guards', () => {
    const admin = routes.filter((r) => r.access === 'admin').map((r) => `${r.method} ${r.pattern}`);
    expect(admin).toContain('POST /api/v1/admin/accounts');
    expect(admin).toContain('POST /api/v1/admin/accounts/:id/grants');
    const keyed = routes.filter((r) => r.access === 'key').map((r) => `${r.method} ${r.pattern}`);
    expect(keyed).toContain('GET /api/v1/generations/:id');
    expect(keyed).toContain('POST /api/v1/keys');
    expect(keyed).toContain('POST /v1/videos');
    expect(keyed).toContain('GET /v1/videos/:video_id/content');
    expect(keyed).not.toContain('GET /api/v1/models');
  });

  it('answers the canonical spelling of every guarded route with 401/403 without a key', async () => {
    for (const route of routes) {
      const r = await rawRequest(origin, route.method, sample(route.pattern), {
        headers: { 'content-type': 'application/json' },
        body: route.method === 'GET' || route.method === 'HEAD' ? undefined : '{"name":"x"}',
      });
      expect([401, 403], `${route.method} ${route.pattern}: ${r.body}`).toContain(r.status);
    }
  });

  it('lets no spelling of a guarded route through without a key, with a test key, or with a key of the wrong kind', async () => {
    const before = await accountCount();
    const callers: [string, Record<string, string>][] = [
      ['no key', {}],
      ['a test key', { authorization: `Bearer ${t.key}` }],
    ];
    let sent = 0;
    for (const route of routes) {
      for (const target of spellingsOf(sample(route.pattern), origin)) {
        for (const [who, auth] of callers) {
          // A test key is a real key for the key routes; it must only fail to reach admin routes.
          if (who === 'a test key' && route.access === 'key') continue;
          const r = await rawRequest(origin, route.method, target, {
            headers: { 'content-type': 'application/json', ...auth },
            body:
              route.method === 'GET' || route.method === 'HEAD'
                ? undefined
                : '{"name":"x","mode":"live","tokens":1000000000}',
          });
          sent++;
          expect(
            [400, 401, 403, 404, 405],
            `${route.method} ${target} with ${who} → ${r.status} ${r.body}`,
          ).toContain(r.status);
        }
      }
    }
    expect(sent).toBeGreaterThan(1000);
    expect(await accountCount()).toBe(before);
  });

  it('guards an absolute-form request target exactly as its path', async () => {
    const noKey = await rawRequest(origin, 'GET', `${origin}/api/v1/admin/accounts/acct_dev`);
    expect(noKey.status).toBe(401);
    const withAdmin = await rawRequest(origin, 'GET', `${origin}/api/v1/admin/accounts/acct_dev`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(withAdmin.status, withAdmin.body).toBe(200);
    const account = await rawRequest(origin, 'GET', `${origin}/api/v1/account`, {
      headers: { authorization: `Bearer ${t.key}` },
    });
    expect(account.status, account.body).toBe(200);
  });

  it('refuses another spelling of a public route too, in the error JSON', async () => {
    const r = await rawRequest(origin, 'GET', '/%68ealthz');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.code).toBe('invalid_request');
    expect((await rawRequest(origin, 'GET', '/healthz')).status).toBe(200);
  });

  it('keeps a percent-encoded parameter as data, not as path', async () => {
    const r = await rawRequest(origin, 'GET', '/api/v1/generations/gen%5Fnone', {
      headers: { authorization: `Bearer ${t.key}` },
    });
    expect(r.status, r.body).toBe(404);
    const slash = await rawRequest(origin, 'GET', '/api/v1/generations/..%2Fadmin%2Faccounts', {
      headers: { authorization: `Bearer ${t.key}` },
    });
    expect([400, 404]).toContain(slash.status);
  });
});
