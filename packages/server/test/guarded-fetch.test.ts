import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AddressDecision,
  type CheckedAddress,
  createGuardedFetch,
  type GuardedFetch,
  GuardedFetchError,
  type GuardedFetchOptions,
  type ResolvedAddress,
} from '../src/net/guarded-fetch.ts';
import { type LoopbackOrigin, startLoopbackOrigin, TEST_TLS } from './loopback-origin.ts';

/**
 * SSRF suite. Every connection goes to a server on 127.0.0.1: the injected resolver answers for made-up
 * names, and the injected dialer records each checked address and connects to loopback instead, so public
 * and private cases are decided exactly as in production without any traffic leaving the machine.
 */
const PUBLIC_V4 = '93.184.216.34';
const PUBLIC_V6 = '2606:4700:4700::1111';

interface Harness {
  fetch: GuardedFetch;
  resolved: string[];
  dialed: CheckedAddress[];
  decisions: AddressDecision[];
}

let http: LoopbackOrigin;
let https: LoopbackOrigin;
const guards: GuardedFetch[] = [];

function guard(
  names: Record<string, string[] | ((call: number) => string[])>,
  options: GuardedFetchOptions = {},
): Harness {
  const resolved: string[] = [];
  const dialed: CheckedAddress[] = [];
  const decisions: AddressDecision[] = [];
  const fetch = createGuardedFetch({
    resolver: async (hostname): Promise<ResolvedAddress[]> => {
      resolved.push(hostname);
      const answer = names[hostname];
      if (answer === undefined)
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      const list =
        typeof answer === 'function' ? answer(resolved.filter((h) => h === hostname).length) : answer;
      return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    },
    dial: (checked) => {
      dialed.push(checked);
      return { address: '127.0.0.1' };
    },
    onDecision: (d) => decisions.push(d),
    ca: TEST_TLS.cert,
    connectTimeoutMs: 2000,
    totalTimeoutMs: 5000,
    ...options,
  });
  guards.push(fetch);
  return { fetch, resolved, dialed, decisions };
}

async function refusal(promise: Promise<unknown>): Promise<GuardedFetchError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GuardedFetchError);
    return error as GuardedFetchError;
  }
  throw new Error('the fetch was not refused');
}

beforeAll(async () => {
  http = await startLoopbackOrigin(false);
  https = await startLoopbackOrigin(true);
  for (const origin of [http, https]) {
    origin.route('/ok', (req, res) => res.end(`hello ${req.headers.host}`));
    origin.route('/echo', (req, res, body) =>
      res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization ?? null, body })),
    );
    origin.route('/to', (req, res) => {
      const target = new URL(req.url ?? '', 'http://x').searchParams.get('url') ?? '/ok';
      const status = Number(new URL(req.url ?? '', 'http://x').searchParams.get('status') ?? 302);
      res.writeHead(status, { location: target }).end();
    });
    origin.route('/big-declared', (_req, res) => {
      res.writeHead(200, { 'content-length': '5000' });
      res.end(Buffer.alloc(5000, 1));
    });
    origin.route('/big-chunked', (_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 10; i++) res.write(Buffer.alloc(1000, 2));
      res.end();
    });
    origin.route('/silent', () => {});
    origin.route('/close', (_req, res) => res.writeHead(200, { connection: 'close' }).end('bye'));
  }
});

afterEach(async () => {
  await Promise.all(guards.splice(0).map((g) => g.close()));
});

afterAll(async () => {
  await http?.close();
  await https?.close();
});

describe('schemes and URL shapes', () => {
  it('refuses http:// unless allowHttp is set, without resolving anything', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4] });
    const error = await refusal(h.fetch(`http://public.test:${http.port}/ok`));
    expect(error.code).toBe('scheme_not_allowed');
    expect(h.resolved).toEqual([]);
    expect(http.seen).toHaveLength(0);
  });

  it.each(['ftp://public.test/a', 'file:///etc/passwd', 'gopher://public.test/', 'data:text/plain,hi'])(
    'refuses %s',
    async (url) => {
      const h = guard({}, { allowHttp: true });
      expect((await refusal(h.fetch(url))).code).toBe('scheme_not_allowed');
    },
  );

  it('refuses URLs carrying credentials and text that is not a URL', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4] });
    expect((await refusal(h.fetch(`https://user:pw@public.test:${https.port}/ok`))).code).toBe('invalid_url');
    expect((await refusal(h.fetch('not a url'))).code).toBe('invalid_url');
    expect(h.dialed).toEqual([]);
  });
});

describe('addresses written into the URL', () => {
  const cases: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['2130706433', 'loopback, decimal'],
    ['0177.0.0.1', 'loopback, octal'],
    ['0x7f.0.0.1', 'loopback, hex'],
    ['127.1', 'loopback, short form'],
    ['127.0.0.1.', 'loopback, trailing dot'],
    ['[::1]', 'IPv6 loopback'],
    ['[::ffff:127.0.0.1]', 'IPv4-mapped IPv6 loopback'],
    ['[::ffff:7f00:1]', 'IPv4-mapped IPv6 loopback in hex'],
    ['[::127.0.0.1]', 'IPv4-compatible IPv6 loopback'],
    ['[::7f00:1]', 'IPv4-compatible IPv6 loopback in hex'],
    ['[::a9fe:a9fe]', 'cloud metadata, IPv4-compatible'],
    ['169.254.169.254', 'cloud metadata'],
    ['[::ffff:169.254.169.254]', 'cloud metadata, IPv4-mapped'],
    ['0xa9fea9fe', 'cloud metadata, hex'],
    ['[fd00:ec2::254]', 'cloud metadata over IPv6 (unique local)'],
    ['10.0.0.1', 'private 10/8'],
    ['172.16.5.4', 'private 172.16/12'],
    ['192.168.1.1', 'private 192.168/16'],
    ['100.64.0.1', 'CGNAT'],
    ['100.100.100.200', 'CGNAT (a cloud metadata address)'],
    ['224.0.0.1', 'multicast'],
    ['[ff02::1]', 'IPv6 multicast'],
    ['0.0.0.0', 'unspecified'],
    ['[::]', 'IPv6 unspecified'],
    ['[fe80::1]', 'IPv6 link-local'],
    ['255.255.255.255', 'broadcast'],
  ];
  it.each(cases)('refuses %s (%s) without connecting', async (host) => {
    const h = guard({});
    const error = await refusal(h.fetch(`https://${host}:${https.port}/ok`));
    expect(error.code).toBe('address_not_allowed');
    expect(h.dialed).toEqual([]);
    expect(h.resolved).toEqual([]);
    expect(h.decisions).toHaveLength(1);
    expect(h.decisions[0]?.allowed).toBe(false);
  });

  it('lets a public address literal through, connecting to the checked address', async () => {
    const h = guard({});
    const response = await h.fetch(`https://${PUBLIC_V4}:${https.port}/ok`);
    expect(await response.text()).toBe(`hello ${PUBLIC_V4}:${https.port}`);
    expect(h.dialed.map((d) => d.address)).toEqual([PUBLIC_V4]);
  });
});

describe('names and what they resolve to', () => {
  it('fetches a public name over https, verifying the certificate against the name', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4] });
    const response = await h.fetch(`https://public.test:${https.port}/ok`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(`hello public.test:${https.port}`);
    expect(response.url).toBe(`https://public.test:${https.port}/ok`);
    expect(h.decisions).toEqual([{ hostname: 'public.test', address: PUBLIC_V4, allowed: true }]);
    expect(h.dialed).toEqual([{ hostname: 'public.test', address: PUBLIC_V4, family: 4, port: https.port }]);
  });

  it('fails the TLS handshake for a name the certificate does not cover', async () => {
    const h = guard({ 'other.example': [PUBLIC_V4] });
    expect((await refusal(h.fetch(`https://other.example:${https.port}/ok`))).code).toBe('connection_failed');
  });

  it('accepts a public IPv6 answer', async () => {
    const h = guard({ 'public.test': [PUBLIC_V6] });
    expect((await h.fetch(`https://public.test:${https.port}/ok`)).status).toBe(200);
    expect(h.dialed[0]).toMatchObject({ address: PUBLIC_V6, family: 6 });
  });

  it.each([
    ['localhost.', ['127.0.0.1']],
    ['metadata.google.internal', ['169.254.169.254']],
    ['intranet.test', ['10.20.30.40']],
    ['mapped.test', ['::ffff:10.0.0.1']],
    ['decimal.test', ['2130706433']],
    ['cgnat.test', ['100.64.12.1']],
    ['v6-local.test', ['fd12:3456::1']],
    ['v4-compatible.test', ['::127.0.0.1']],
  ])('refuses %s resolving to %j', async (name, addresses) => {
    const h = guard({ [name]: addresses });
    const error = await refusal(h.fetch(`https://${name}:${https.port}/ok`));
    expect(error.code).toBe('address_not_allowed');
    // Where an internal name points is not told (no DNS oracle), neither the address nor its kind.
    expect(error.message).toBe(`${name} is not a public address; the gateway does not fetch from there`);
    expect(h.dialed).toEqual([]);
    expect(h.decisions.at(-1)?.allowed).toBe(false);
    expect(https.seen.filter((s) => s.headers.host?.startsWith(name))).toEqual([]);
  });

  it('refuses a name with one public and one private address', async () => {
    const h = guard({ 'mixed.test': [PUBLIC_V4, '192.168.0.10'] });
    expect((await refusal(h.fetch(`https://mixed.test:${https.port}/ok`))).code).toBe('address_not_allowed');
    expect(h.dialed).toEqual([]);
  });

  it('reports a name that does not resolve as dns_failed', async () => {
    const h = guard({});
    expect((await refusal(h.fetch(`https://nowhere.test:${https.port}/ok`))).code).toBe('dns_failed');
  });

  it('gives up on a resolver that never answers (connect timeout)', async () => {
    const fetch = createGuardedFetch({ resolver: () => new Promise(() => {}), connectTimeoutMs: 200 });
    guards.push(fetch);
    expect((await refusal(fetch(`https://slow-dns.test:${https.port}/ok`))).code).toBe('timeout');
  });
});

describe('DNS rebinding', () => {
  it('resolves once per connection and connects to the very address it checked', async () => {
    // First answer public, every later answer loopback: the classic rebinding pattern.
    const h = guard({ 'files.test': (call) => (call === 1 ? [PUBLIC_V4] : ['127.0.0.1']) });
    const response = await h.fetch(`https://files.test:${https.port}/close`);
    expect(await response.text()).toBe('bye');
    expect(h.resolved).toEqual(['files.test']);
    expect(h.dialed.map((d) => d.address)).toEqual([PUBLIC_V4]);
    // The server closed that connection; the next one resolves again and is checked again.
    const error = await refusal(h.fetch(`https://files.test:${https.port}/ok`));
    expect(error.code).toBe('address_not_allowed');
    expect(h.resolved).toEqual(['files.test', 'files.test']);
    expect(h.dialed.map((d) => d.address)).toEqual([PUBLIC_V4]);
  });
});

describe('redirects', () => {
  it('follows a redirect to another public name, checking it', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4], 'files.test': ['203.0.113.7', PUBLIC_V4] });
    // 203.0.113.0/24 is a documentation range: not public, so files.test is refused as a whole.
    const refused = await refusal(
      h.fetch(
        `https://public.test:${https.port}/to?url=${encodeURIComponent(`https://files.test:${https.port}/ok`)}`,
      ),
    );
    expect(refused.code).toBe('address_not_allowed');
    const ok = guard({ 'public.test': [PUBLIC_V4], 'files.test': [PUBLIC_V4] });
    const response = await ok.fetch(
      `https://public.test:${https.port}/to?url=${encodeURIComponent(`https://files.test:${https.port}/ok`)}`,
    );
    expect(await response.text()).toBe(`hello files.test:${https.port}`);
    expect(response.redirected).toBe(true);
    expect(ok.resolved).toEqual(['public.test', 'files.test']);
  });

  it('refuses a redirect to a loopback address literal', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4] });
    const target = `https://127.0.0.1:${https.port}/ok`;
    const error = await refusal(
      h.fetch(`https://public.test:${https.port}/to?url=${encodeURIComponent(target)}`),
    );
    expect(error.code).toBe('address_not_allowed');
    expect(h.dialed.map((d) => d.address)).toEqual([PUBLIC_V4]);
  });

  it('refuses a redirect to the metadata service through a name', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4], 'meta.test': ['169.254.169.254'] });
    const target = `https://meta.test:${https.port}/ok`;
    const error = await refusal(
      h.fetch(`https://public.test:${https.port}/to?url=${encodeURIComponent(target)}&status=307`),
    );
    expect(error.code).toBe('address_not_allowed');
  });

  it('refuses a redirect from https to http', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4] });
    const target = `http://public.test:${http.port}/ok`;
    const error = await refusal(
      h.fetch(`https://public.test:${https.port}/to?url=${encodeURIComponent(target)}`),
    );
    expect(error.code).toBe('scheme_not_allowed');
  });

  it('follows at most 3 redirects', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4] });
    const chain = (n: number): string =>
      n === 0 ? `https://public.test:${https.port}/ok` : `/to?url=${encodeURIComponent(chain(n - 1))}`;
    const three = await h.fetch(`https://public.test:${https.port}${chain(3)}`);
    expect(await three.text()).toBe(`hello public.test:${https.port}`);
    const error = await refusal(h.fetch(`https://public.test:${https.port}${chain(4)}`));
    expect(error.code).toBe('too_many_redirects');
  });

  it('turns a POST into a GET after a 303 and drops the Authorization header on another origin', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4], 'files.test': [PUBLIC_V4] });
    const target = `https://files.test:${https.port}/echo`;
    const response = await h.fetch(
      `https://public.test:${https.port}/to?url=${encodeURIComponent(target)}&status=303`,
      { method: 'POST', body: 'payload', headers: { authorization: 'Bearer secret' } },
    );
    expect(await response.json()).toEqual({ method: 'GET', auth: null, body: '' });
  });

  it('keeps method and body on a 307 to the same origin', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4] });
    const response = await h.fetch(`https://public.test:${https.port}/to?url=%2Fecho&status=307`, {
      method: 'POST',
      body: 'payload',
      headers: { authorization: 'Bearer secret' },
    });
    expect(await response.json()).toEqual({ method: 'POST', auth: 'Bearer secret', body: 'payload' });
  });

  it('hands the redirect back untouched with redirect: manual', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4] });
    const response = await h.fetch(`https://public.test:${https.port}/to?url=%2Fok`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/ok');
  });
});

describe('limits', () => {
  it('refuses a body whose declared length is over the cap before reading it', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4] });
    const error = await refusal(
      h.fetch(`https://public.test:${https.port}/big-declared`, { maxBytes: 4999 }),
    );
    expect(error.code).toBe('too_large');
    const exact = await h.fetch(`https://public.test:${https.port}/big-declared`, { maxBytes: 5000 });
    expect((await exact.arrayBuffer()).byteLength).toBe(5000);
  });

  it('stops reading a chunked body at the cap', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4] }, { maxBytes: 4500 });
    const response = await h.fetch(`https://public.test:${https.port}/big-chunked`);
    expect(response.status).toBe(200);
    expect((await refusal(response.arrayBuffer())).code).toBe('too_large');
  });

  it('gives up on a server that never answers (total timeout)', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4] }, { totalTimeoutMs: 300 });
    expect((await refusal(h.fetch(`https://public.test:${https.port}/silent`))).code).toBe('timeout');
  });

  it('reports a refused connection as connection_failed', async () => {
    const closed = await startLoopbackOrigin(true);
    const port = closed.port;
    await closed.close();
    const h = guard({ 'public.test': [PUBLIC_V4] });
    expect((await refusal(h.fetch(`https://public.test:${port}/ok`))).code).toBe('connection_failed');
  });

  it('keeps the caller’s abort as an abort', async () => {
    const h = guard({ 'public.test': [PUBLIC_V4] });
    const controller = new AbortController();
    const pending = h.fetch(`https://public.test:${https.port}/silent`, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('development settings', () => {
  it('reaches a loopback server over http only with allowHttp and allowPrivateAddresses', async () => {
    const strict = guard({}, { allowHttp: true });
    expect((await refusal(strict.fetch(`http://127.0.0.1:${http.port}/ok`))).code).toBe(
      'address_not_allowed',
    );
    const before = http.seen.length;
    const dev = createGuardedFetch({ allowHttp: true, allowPrivateAddresses: true });
    guards.push(dev);
    const response = await dev(`http://127.0.0.1:${http.port}/ok`);
    expect(await response.text()).toBe(`hello 127.0.0.1:${http.port}`);
    expect(http.seen.length).toBe(before + 1);
  });
});
