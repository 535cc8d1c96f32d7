import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng, startGateway, type TestGateway } from '../harness.ts';
import { makeVideo, wavHeader } from '../media-fixtures.ts';
import { type Answer, decodedForm, expectErrorJson, leaksIn, rawExchange } from './error-answers.ts';

const ADMIN = 'admin-key-for-error-corpus-0123456789';

/**
 * A corpus of bad requests across the API. Every one must be refused with a 4xx in the API's error JSON, and
 * no message, param or detail may show a server path, a stack trace or the database's words (unless the
 * client itself sent those words, as in an id echoed back).
 */
interface Case {
  name: string;
  send: () => Promise<Answer>;
  /** Everything the client sent, for telling an echo from a leak. */
  sent: () => string;
  /** The 4xx it must be, when one status is right. */
  status?: number;
  /** The param the error must name. */
  param?: string;
  /** A lenient route may accept it (2xx); then only "no 5xx" is asserted. */
  mayPass?: boolean;
}

let t: TestGateway;
const fixtures: { png: Buffer; mp4: Buffer; otherGeneration: string } = {
  png: Buffer.alloc(0),
  mp4: Buffer.alloc(0),
  otherGeneration: '',
};

const JSON_TYPE = { 'content-type': 'application/json' };
const admin = { authorization: `Bearer ${ADMIN}` };

function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  expected: Pick<Case, 'status' | 'param' | 'mayPass'> = {},
): Omit<Case, 'name'> {
  const bodyText =
    body === undefined
      ? ''
      : typeof body === 'string'
        ? body
        : body instanceof Uint8Array
          ? ''
          : JSON.stringify(body);
  return {
    send: () => t.api(method, path, body, headers),
    sent: () => `${method} ${decodedForm(path)}\n${JSON.stringify(headers)}\n${bodyText}`,
    ...expected,
  };
}

/** A request written byte for byte: framing `fetch` would never produce. */
function rawCall(request: () => string, expected: Pick<Case, 'status'> = {}): Omit<Case, 'name'> {
  return {
    send: () => rawExchange(t.baseUrl, request()),
    sent: () => decodedForm(request()),
    ...expected,
  };
}

const bearer = () => `Authorization: Bearer ${t.key}\r\n`;

const cases: [string, Omit<Case, 'name'>][] = [];
const add = (name: string, c: Omit<Case, 'name'>) => cases.push([name, c]);

// --- Bad JSON, on every JSON route that reads a body --------------------------------------------------------
const BAD_JSON: [string, string][] = [
  ['an unclosed object', '{'],
  ['a missing value', '{"a":}'],
  ['a trailing comma', '{"type":"video","model":"kling-3.0-omni","input":{"prompt":"x"},}'],
  ['single quotes', "{'type':'video'}"],
  ['a bare NaN', 'NaN'],
  ['garbage after the value', '{} x'],
  ['a __proto__ key', '{"__proto__":{"isAdmin":true}}'],
  ['a constructor.prototype key', '{"constructor":{"prototype":{"isAdmin":true}}}'],
  ['a lone string', '"video"'],
  ['a lone number', '123'],
  ['null', 'null'],
  ['an array', '[{"type":"video"}]'],
  ['an unterminated string', '{"type":"vid'],
  ['control characters in a string', '{"type":"vi\u0001deo"}'],
];
// A leading byte order mark may be skipped (RFC 8259 lets a parser ignore it): then only "no 5xx" holds.
for (const path of ['/api/v1/quotes', '/api/v1/keys']) {
  add(`${path}: a byte order mark`, call('POST', path, '\ufeff{}', JSON_TYPE, { mayPass: true }));
}
for (const [what, text] of BAD_JSON) {
  add(`quotes: ${what}`, call('POST', '/api/v1/quotes', text, JSON_TYPE));
  add(`generations: ${what}`, call('POST', '/api/v1/generations', text, JSON_TYPE));
}
for (const [what, text] of BAD_JSON.slice(0, 9)) {
  add(`keys: ${what}`, call('POST', '/api/v1/keys', text, JSON_TYPE));
  add(`admin accounts: ${what}`, call('POST', '/api/v1/admin/accounts', text, { ...JSON_TYPE, ...admin }));
}
add('cancel: bad JSON', call('POST', '/api/v1/generations/gen_nope/cancel', '{', JSON_TYPE));
add('rotate: bad JSON', call('POST', '/api/v1/webhooks/secret/rotate', '{', JSON_TYPE));
add('replay: bad JSON', call('POST', '/api/v1/webhooks/deliveries/msg_nope/replay', '{', JSON_TYPE));
add('invalid UTF-8 in a JSON body', {
  ...call(
    'POST',
    '/api/v1/quotes',
    new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    JSON_TYPE,
  ),
});
add('a JSON Content-Type and no body', call('POST', '/api/v1/quotes', '', JSON_TYPE, { status: 400 }));

// --- Wrong types -----------------------------------------------------------------------------------------------
const gen = (extra: Record<string, unknown>) => ({
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'a lighthouse' },
  ...extra,
});
add(
  'every envelope field of the wrong type',
  call('POST', '/api/v1/quotes', { type: 1, model: [], input: 'x', webhookUrl: 5 }, {}, { status: 422 }),
);
add('input as an array', call('POST', '/api/v1/generations', gen({ input: [] }), {}, { param: 'input' }));
add('input as null', call('POST', '/api/v1/generations', gen({ input: null }), {}, { param: 'input' }));
add('model as an object', call('POST', '/api/v1/quotes', gen({ model: {} }), {}, { param: 'model' }));
add(
  'an unknown model id',
  call('POST', '/api/v1/generations', gen({ model: 'kling-9' }), {}, { status: 404, param: 'model' }),
);
add('variant sent', call('POST', '/api/v1/quotes', gen({ variant: '1080p' }), {}, { param: 'variant' }));
add(
  'every field of kling-3.0-omni wrong',
  call(
    'POST',
    '/api/v1/generations',
    gen({
      input: {
        prompt: 7,
        aspectRatio: 43,
        resolution: ['720p'],
        duration: '5',
        audioEnabled: 'yes',
        referenceVideo: 'file:///etc/passwd',
        referenceAssetUris: ['asset://nope', 'https://127.0.0.1/a.png', 'data:garbage', 5],
      },
    }),
    {},
    { status: 422 },
  ),
);
add(
  'a referenced asset that does not exist',
  call(
    'POST',
    '/api/v1/generations',
    gen({ input: { prompt: 'x', referenceAssetUris: ['asset://asset_doesnotexist'] } }),
    {},
    { status: 404, param: 'input.referenceAssetUris[0]' },
  ),
);
add(
  'https inputs the guard refuses',
  call(
    'POST',
    '/api/v1/generations',
    gen({
      input: {
        prompt: 'x',
        referenceAssetUris: [
          'https://127.0.0.1/a.png',
          'https://169.254.169.254/latest/meta-data/',
          'https://[::1]/',
        ],
      },
    }),
    {},
    { status: 422 },
  ),
);
add(
  'data: inputs that are not media',
  call(
    'POST',
    '/api/v1/generations',
    gen({
      input: {
        prompt: 'x',
        referenceVideo: 'data:video/mp4;base64,AAAAIGZ0eXBpc29tAAACAGlzb21pc28y',
        referenceAssetUris: [
          'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB',
          'data:image/png,%00%01%02',
        ],
      },
    }),
    {},
    { status: 422 },
  ),
);
add(
  'webhookUrl on the metadata address',
  call(
    'POST',
    '/api/v1/generations',
    gen({ webhookUrl: 'https://169.254.169.254/hook' }),
    {},
    { status: 422, param: 'webhookUrl' },
  ),
);
add(
  'a key with fields of the wrong type',
  call('POST', '/api/v1/keys', { mode: 5, name: [], dailyTokens: 'x', extra: 1 }, {}, { status: 422 }),
);
add(
  'a key budget of 1e400',
  call('POST', '/api/v1/keys', '{"dailyTokens":1e400}', JSON_TYPE, { status: 422 }),
);
add('a negative key budget', call('POST', '/api/v1/keys', { monthlyTokens: -1 }, {}, { status: 422 }));
add('a live key from a test key', call('POST', '/api/v1/keys', { mode: 'live' }, {}, { status: 403 }));
add(
  'an admin grant of the wrong type',
  call('POST', '/api/v1/admin/accounts/acct_nope/grants', { mode: 'x', tokens: '5' }, admin, { status: 422 }),
);
add(
  'an admin grant of 1e400 tokens',
  call('POST', '/api/v1/admin/accounts/acct_nope/grants', '{"mode":"test","tokens":1e400}', {
    ...JSON_TYPE,
    ...admin,
  }),
);
add(
  'admin limits that are not whole',
  call('PATCH', '/api/v1/admin/accounts/acct_nope', { keyRatePerMinute: 1.5 }, admin, { status: 422 }),
);

// --- Wrong Content-Types ------------------------------------------------------------------------------------
for (const type of [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'image/png',
  'application/jsonx',
]) {
  add(`quotes as ${type}`, call('POST', '/api/v1/quotes', '{}', { 'content-type': type }, { status: 415 }));
}
add('quotes without a Content-Type', call('POST', '/api/v1/quotes', '{}', {}, { status: 415 }));
add(
  'cancel with a text body',
  call('POST', '/api/v1/generations/gen_nope/cancel', 'x', { 'content-type': 'text/plain' }, { status: 415 }),
);

// --- Unknown ids, on every route that takes one ---------------------------------------------------------------
const ODD_IDS = [
  'gen_nope',
  'asset_nope',
  '%27%20OR%201%3D1--',
  '..%2F..%2Fetc%2Fpasswd',
  '%E2%80%AE',
  '%F0%9F%98%80',
  `gen_${'x'.repeat(90)}`,
  '1e23',
  '-1',
];
const ID_ROUTES: [string, (id: string) => string][] = [
  ['GET', (id) => `/api/v1/generations/${id}`],
  ['POST', (id) => `/api/v1/generations/${id}/cancel`],
  ['GET', (id) => `/api/v1/generations/${id}/events`],
  ['GET', (id) => `/api/v1/assets/${id}`],
  ['GET', (id) => `/api/v1/assets/${id}/content`],
  ['DELETE', (id) => `/api/v1/assets/${id}`],
  ['GET', (id) => `/api/v1/webhooks/deliveries/${id}`],
  ['POST', (id) => `/api/v1/webhooks/deliveries/${id}/replay`],
  ['POST', (id) => `/api/v1/keys/${id}/revoke`],
  ['GET', (id) => `/api/v1/models/${id}`],
];
for (const [method, route] of ID_ROUTES) {
  for (const id of ODD_IDS)
    add(`${method} ${route(id)}`, call(method, route(id), undefined, {}, { status: 404 }));
}
for (const [method, path] of [
  ['GET', '/api/v1/admin/accounts/acct_nope'],
  ['POST', '/api/v1/admin/keys/key_nope/revoke'],
  ['GET', '/api/v1/admin/accounts/%27%3B%20SELECT%201--/keys'],
] as const) {
  add(`${method} ${path}`, call(method, path, undefined, admin, { status: 404 }));
}
add('an id of 5000 characters', call('GET', `/api/v1/generations/${'x'.repeat(5000)}`));
add('a NUL in an id', call('GET', '/api/v1/generations/gen_%00', undefined, {}, { status: 400 }));
add(
  'a signed link with a bad signature',
  call('GET', '/files/asset_nope?expires=abc&signature=zz', undefined, {}),
);
add(
  'a signed link expiring in 1e23 s',
  call('GET', '/files/asset_nope?expires=99999999999999999999999&signature=zz', undefined, {}),
);
for (const [method, route] of ID_ROUTES.slice(0, 3)) {
  add(`another account's generation: ${method}`, {
    send: () => t.api(method, route(fixtures.otherGeneration)),
    sent: () => `${method} ${route(fixtures.otherGeneration)}`,
    status: 404,
  });
}

// --- Bad query parameters on every list route -----------------------------------------------------------------
const LIMITS = ['0', '-1', '1.5', '1e9', '1000', 'abc', '', 'NaN', 'Infinity', '1e400', '%00'];
for (const route of ['/api/v1/generations', '/api/v1/ledger', '/api/v1/webhooks/deliveries']) {
  for (const limit of LIMITS) {
    add(
      `${route}?limit=${limit}`,
      call('GET', `${route}?limit=${limit}`, undefined, {}, { status: 400, param: 'limit' }),
    );
  }
  add(`${route} with limit twice`, call('GET', `${route}?limit=5&limit=6`, undefined, {}, { status: 400 }));
}
for (const [query, param] of [
  ['status=bogus', 'status'],
  ['status=QUEUED', 'status'],
  ['status=queued&status=failed', 'status'],
  ['cursor=!!!', 'cursor'],
  ['cursor=', 'cursor'],
  ['cursor=abc', 'cursor'],
  [`cursor=${Buffer.from('gen_../../etc/passwd').toString('base64url')}`, 'cursor'],
  [`cursor=${Buffer.from("gen_x' OR 1=1--").toString('base64url')}`, 'cursor'],
  ['model=a&model=b', 'model'],
] as const) {
  add(
    `/api/v1/generations?${query}`,
    call('GET', `/api/v1/generations?${query}`, undefined, {}, { status: 400, param }),
  );
}
add(
  '/api/v1/generations?model=unknown',
  call('GET', '/api/v1/generations?model=%27%3B--', undefined, {}, { mayPass: true }),
);
for (const cursor of ['abc', '-1', '0', '1.5', '', 'NaN', '1e400', '0x', '1,2']) {
  add(
    `/api/v1/ledger?cursor=${cursor}`,
    call('GET', `/api/v1/ledger?cursor=${cursor}`, undefined, {}, { status: 400, param: 'cursor' }),
  );
}
for (const [query, param] of [
  ['from=abc', 'from'],
  ['to=abc', 'to'],
  ['from=', 'from'],
  ['from=2026-02-01&to=2026-01-01', 'from'],
  ['from=2026-01-01&to=2026-01-01', 'from'],
  ['groupBy=week', 'groupBy'],
  ['groupBy=day&groupBy=model', 'groupBy'],
  ['from=2026-01-01&from=2026-02-01', 'from'],
  ['to=2026-01-01T25:00:00Z', 'to'],
] as const) {
  add(`/api/v1/usage?${query}`, call('GET', `/api/v1/usage?${query}`, undefined, {}, { status: 400, param }));
}
for (const [query, param] of [
  ['state=bogus', 'state'],
  ['state=failed&state=x', 'state'],
  ['cursor=msg_nope', 'cursor'],
  ['cursor=%27%3B%20SELECT%201--', 'cursor'],
  [`cursor=${'x'.repeat(3000)}`, 'cursor'],
] as const) {
  add(
    `/api/v1/webhooks/deliveries?${query.slice(0, 40)}`,
    call('GET', `/api/v1/webhooks/deliveries?${query}`, undefined, {}, { status: 400, param }),
  );
}
add(
  '/api/v1/webhooks/deliveries?generationId=…',
  call(
    'GET',
    `/api/v1/webhooks/deliveries?generationId=${'%27'.repeat(500)}`,
    undefined,
    {},
    { mayPass: true },
  ),
);
add(
  '/api/v1/keys?limit=abc&cursor=x',
  call('GET', '/api/v1/keys?limit=abc&cursor=x', undefined, {}, { mayPass: true }),
);
add(
  '/api/v1/models?locale=zz',
  call('GET', '/api/v1/models?locale=zz', undefined, {}, { status: 400, param: 'locale' }),
);
add(
  '/api/v1/models?type=bogus',
  call('GET', '/api/v1/models?type=bogus', undefined, {}, { status: 400, param: 'type' }),
);
add(
  'events with Last-Event-ID 1e23',
  call('GET', '/api/v1/generations/gen_nope/events', undefined, { 'last-event-id': '1e23' }, { status: 400 }),
);
add(
  'events with lastEventId=-5',
  call('GET', '/api/v1/generations/gen_nope/events?lastEventId=-5', undefined, {}, { status: 400 }),
);

// --- Headers --------------------------------------------------------------------------------------------------
add('no Authorization', call('GET', '/api/v1/account', undefined, { authorization: '' }, { status: 401 }));
add(
  'Basic instead of Bearer',
  call('GET', '/api/v1/account', undefined, { authorization: 'Basic YTpi' }, { status: 401 }),
);
add(
  'a Bearer key of 5000 characters',
  call('GET', '/api/v1/account', undefined, { authorization: `Bearer ${'k'.repeat(5000)}` }, { status: 401 }),
);
add(
  'a key with SQL in it',
  call('GET', '/api/v1/account', undefined, { authorization: "Bearer rl_test_' OR '1'='1" }, { status: 401 }),
);
add(
  'an Idempotency-Key of 300 characters',
  call('POST', '/api/v1/quotes', gen({}), { 'idempotency-key': 'k'.repeat(300) }, { status: 400 }),
);
add(
  'a non-ASCII Idempotency-Key',
  call('POST', '/api/v1/quotes', gen({}), { 'idempotency-key': 'clé' }, { status: 400 }),
);
for (const prefer of ['wait=abc', 'wait=0', 'wait=61', 'wait=1e23', 'wait=-1']) {
  add(
    `Prefer: ${prefer}`,
    call('POST', '/api/v1/generations', gen({}), { prefer }, { status: 400, param: 'Prefer' }),
  );
}
add(
  'an Idempotency-Key on a request whose refusal echoes a lone surrogate',
  call(
    'POST',
    '/api/v1/generations',
    '{"type":"video","model":"kling-3.0-omni","input":{"prompt":"x","odd\\ud800":1}}',
    { ...JSON_TYPE, 'idempotency-key': 'corpus-lone-surrogate-1' },
    { status: 422 },
  ),
);
add(
  'an Idempotency-Key on an unknown model with a lone surrogate',
  call(
    'POST',
    '/api/v1/quotes',
    '{"type":"video","model":"kling\\udc00","input":{}}',
    { ...JSON_TYPE, 'idempotency-key': 'corpus-lone-surrogate-2' },
    { status: 422, param: 'model' },
  ),
);
add(
  'a prompt holding a lone surrogate',
  call(
    'POST',
    '/api/v1/generations',
    '{"type":"video","model":"kling-3.0-omni","input":{"prompt":"a\\ud800b"}}',
    JSON_TYPE,
    { status: 422, param: 'input.prompt' },
  ),
);

// --- Framing and oversize headers, written raw ------------------------------------------------------------------
add(
  'a header of 20 kB',
  rawCall(
    () => `GET /api/v1/account HTTP/1.1\r\nHost: x\r\n${bearer()}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    {
      status: 431,
    },
  ),
);
add(
  '300 headers of 100 bytes',
  rawCall(
    () =>
      `GET /api/v1/account HTTP/1.1\r\nHost: x\r\n${bearer()}${Array.from({ length: 300 }, (_, i) => `X-H${i}: ${'b'.repeat(100)}\r\n`).join('')}\r\n`,
  ),
);
add(
  'a URL of 20 kB',
  rawCall(() => `GET /api/v1/generations/${'u'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n${bearer()}\r\n`),
);
add(
  'a Content-Length that is not a number',
  rawCall(
    () =>
      `POST /api/v1/quotes HTTP/1.1\r\nHost: x\r\n${bearer()}Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{}`,
    { status: 400 },
  ),
);
add(
  'both Content-Length and Transfer-Encoding',
  rawCall(
    () =>
      `POST /api/v1/quotes HTTP/1.1\r\nHost: x\r\n${bearer()}Content-Type: application/json\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    { status: 400 },
  ),
);
add(
  'a broken chunk size',
  rawCall(
    () =>
      `POST /api/v1/quotes HTTP/1.1\r\nHost: x\r\n${bearer()}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    { status: 400 },
  ),
);
add(
  'a request line that is not HTTP',
  rawCall(() => 'GARBAGE\r\n\r\n', { status: 400 }),
);
add(
  'a NUL in a header value',
  rawCall(() => `GET /api/v1/account HTTP/1.1\r\nHost: x\r\n${bearer()}X-Odd: a\u0000b\r\n\r\n`, {
    status: 400,
  }),
);
add(
  'a folded header line',
  rawCall(() => `GET /api/v1/account HTTP/1.1\r\nHost: x\r\n${bearer()}X-Odd: a\r\n b\r\n\r\n`, {
    status: 400,
  }),
);
add(
  'a Content-Length shorter than the JSON',
  rawCall(
    () =>
      `POST /api/v1/quotes HTTP/1.1\r\nHost: x\r\n${bearer()}Content-Type: application/json\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{"type":"video"}`,
  ),
);

// --- Uploads --------------------------------------------------------------------------------------------------
const asset = (
  body: () => Uint8Array | string,
  type: string | null,
  expected: Pick<Case, 'status' | 'param'> = {},
) => ({
  send: () => t.api('POST', '/api/v1/assets', body(), type === null ? {} : { 'content-type': type }),
  sent: () => `POST /api/v1/assets ${type}`,
  ...expected,
});
const bytes = (b: Buffer) => new Uint8Array(b);
add(
  'a PNG signature and garbage',
  asset(() => bytes(Buffer.concat([fixtures.png.subarray(0, 8), Buffer.alloc(4000, 7)])), 'image/png', {
    status: 415,
  }),
);
add(
  'a truncated PNG',
  asset(() => bytes(fixtures.png.subarray(0, Math.floor(fixtures.png.length / 2))), 'image/png', {
    status: 415,
  }),
);
add(
  'a truncated MP4',
  asset(() => bytes(fixtures.mp4.subarray(0, Math.floor(fixtures.mp4.length * 0.4))), 'video/mp4', {
    status: 415,
  }),
);
add(
  'an MP4 declared as a PNG',
  asset(() => bytes(fixtures.mp4), 'image/png', { status: 415 }),
);
add(
  'a PNG declared as an MP4',
  asset(() => bytes(fixtures.png), 'video/mp4', { status: 415 }),
);
add(
  'text declared as a video',
  asset(() => 'not a video at all', 'video/mp4', { status: 415 }),
);
add(
  'an SVG with a script',
  asset(() => '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml', {
    status: 415,
  }),
);
add(
  'a GIF header alone',
  asset(() => 'GIF89a', 'image/gif', { status: 415 }),
);
add(
  'a WAV header promising a gigabyte',
  // PCM plays up to where it stops; the asset's duration is that of the bytes sent, not the header's.
  {
    ...asset(() => bytes(Buffer.concat([wavHeader(1_000_000_000), Buffer.alloc(100)])), 'audio/wav'),
    mayPass: true,
  },
);
add(
  'JSON sent as an upload',
  asset(() => '{"a":1}', 'application/json', { status: 415 }),
);
add(
  'an empty upload',
  asset(() => new Uint8Array(0), 'image/png', { status: 400 }),
);
add(
  'multipart without a boundary',
  asset(() => 'xx', 'multipart/form-data', { status: 400 }),
);
add(
  'multipart cut off',
  asset(
    () => '--xx\r\nContent-Disposition: form-data; name="file"\r\n\r\nab',
    'multipart/form-data; boundary=xx',
    {
      status: 400,
    },
  ),
);
add(
  'multipart with no file part',
  asset(() => '--xx--\r\n', 'multipart/form-data; boundary=xx', { status: 400 }),
);
add(
  'multipart with a path as file name and garbage',
  asset(
    () =>
      '--xx\r\nContent-Disposition: form-data; name="file"; filename="../../../../etc/passwd"\r\nContent-Type: image/png\r\n\r\nnot a png\r\n--xx--\r\n',
    'multipart/form-data; boundary=xx',
    { status: 415 },
  ),
);
add(
  'multipart with a huge part header',
  asset(
    () =>
      `--xx\r\nContent-Disposition: form-data; name="file"; filename="${'f'.repeat(100_000)}"\r\nContent-Type: image/png\r\n\r\nabc\r\n--xx--\r\n`,
    'multipart/form-data; boundary=xx',
  ),
);
add(
  'an upload without a Content-Type',
  asset(() => bytes(Buffer.from('GIF89a')), null),
);

add(
  'a Range past the end of an unknown asset',
  call(
    'GET',
    '/api/v1/assets/asset_nope/content',
    undefined,
    { range: 'bytes=99999999999999999999-' },
    { status: 404 },
  ),
);

describe('the error message corpus: every bad request is a clean 4xx, with no paths, stack traces or SQL', () => {
  beforeAll(async () => {
    t = await startGateway('pglite', {
      REELAY_ADMIN_KEY: ADMIN,
      REELAY_WORKER_CONCURRENCY: '0',
      REELAY_WEBHOOK_CONCURRENCY: '0',
      REELAY_KEY_RATE_PER_MINUTE: '10000000',
    });
    fixtures.png = await makePng(640, 640, [10, 120, 200]);
    fixtures.mp4 = await makeVideo({ width: 320, height: 240, fps: 24, seconds: 1 });
    // A generation of another account: to this key it must be as unknown as a missing one.
    const account = await t.api('POST', '/api/v1/admin/accounts', { name: 'Other' }, admin);
    await t.api(
      'POST',
      `/api/v1/admin/accounts/${account.json.id}/grants`,
      { mode: 'test', tokens: 1000 },
      admin,
    );
    const key = await t.api(
      'POST',
      `/api/v1/admin/accounts/${account.json.id}/keys`,
      { mode: 'test' },
      admin,
    );
    const created = await t.api('POST', '/api/v1/generations', gen({}), {
      authorization: `Bearer ${key.json.key}`,
    });
    expect(created.status, created.text).toBe(202);
    fixtures.otherGeneration = created.json.id;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it.each(cases)('%s', async (name, c) => {
    const r = await c.send();
    const sent = c.sent();
    const what = `${name}: ${r.status} ${r.text.slice(0, 500)}`;
    expect(r.status, what).toBeLessThan(500);
    expect(leaksIn(r.text, sent, t.dataDir), what).toEqual([]);
    if (c.mayPass && r.status < 400) return;
    expectErrorJson(r, name);
    if (c.status !== undefined) expect(r.status, what).toBe(c.status);
    if (c.param !== undefined) {
      const error = r.json.error;
      const named = [error.param, ...(error.details ?? []).map((d: { param: string }) => d.param)];
      expect(named, what).toContain(c.param);
    }
  });
});
