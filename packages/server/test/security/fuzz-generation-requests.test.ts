import { type FieldSpec, holdsLoneSurrogate, type MediaKind, type ModelEntry, models } from '@reelay/catalog';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makePng, startGateway, type TestGateway, type TestResponse, upload } from '../harness.ts';
import { makeVideo, wavHeader } from '../media-fixtures.ts';
import { expectErrorJson, leaksIn, namedParams } from './error-answers.ts';

/**
 * The gateway must never reach out of this machine while it is fuzzed: every name is "resolved" here (a few
 * `.test` names to non-public addresses, the rest not at all), and a connection the guard would allow is sent
 * to 127.0.0.1 and recorded, so the suite can assert that the guard allowed none.
 */
const outbound = vi.hoisted(() => ({ names: [] as string[], allowed: [] as string[] }));

vi.mock('../../src/net/guarded-connector.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/net/guarded-connector.ts')>();
  const fixed: Record<string, string> = {
    localhost: '127.0.0.1',
    'rebind.test': '10.0.0.1',
    'metadata.test': '169.254.169.254',
    'v6.test': '::1',
    'mapped.test': '::ffff:127.0.0.1',
  };
  const resolver = async (hostname: string) => {
    outbound.names.push(hostname);
    const address = fixed[hostname.toLowerCase().replace(/\.$/, '')];
    if (address !== undefined) return [{ address, family: address.includes(':') ? 6 : 4 }];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  };
  return {
    ...real,
    systemResolver: resolver,
    guardedConnector: (o: Parameters<typeof real.guardedConnector>[0]) =>
      real.guardedConnector({
        ...o,
        resolver,
        dial: (checked) => {
          outbound.allowed.push(`${checked.hostname} → ${checked.address}:${checked.port}`);
          return { address: '127.0.0.1' };
        },
      }),
  };
});

// Fixed seeds and run counts: the same requests on every run, a few seconds in all.
const SEEDS = { envelope: 20_261_201, fields: 20_261_202, creates: 20_261_203, idempotent: 20_261_204 };
const RUNS = { envelope: 200, fieldsPerModel: 40, creates: 60, idempotent: 30 };

// ---------------------------------------------------------------------------------------------------------
// JSON text with numbers JSON.stringify cannot write (1e400 parses to Infinity, -0, 30-digit integers).

class RawNumber {
  constructor(readonly text: string) {}
}
const raw = (text: string) => new RawNumber(text);

function toJson(value: unknown): string {
  if (value instanceof RawNumber) return value.text;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return JSON.stringify(value);
    return Number.isNaN(value) ? '"NaN"' : value > 0 ? '1e999' : '-1e999';
  }
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

// ---------------------------------------------------------------------------------------------------------
// Values.

const oddNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    raw('1e400'),
    raw('-1e400'),
    raw('1e-400'),
    raw('-0'),
    raw('0.0'),
    raw('1E2'),
    raw('123456789012345678901234567890'),
    raw('9007199254740993'),
    raw('0.30000000000000004'),
    raw('5e-324'),
    raw('-9223372036854775809'),
  ),
  fc.double(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.constantFrom(-1, 0, 1.5, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN),
);

/** Text no PostgreSQL column holds: a NUL character or an unpaired surrogate. */
const UNSTORABLE = { test: (s: string) => s.includes('\u0000') || holdsLoneSurrogate(s) };
const noNul = (s: string) => !UNSTORABLE.test(s);
/** Whether a parsed body holds unstorable text anywhere, in a value or a key. */
const holdsUnstorable = (v: unknown): boolean =>
  typeof v === 'string'
    ? UNSTORABLE.test(v)
    : Array.isArray(v)
      ? v.some(holdsUnstorable)
      : typeof v === 'object' && v !== null
        ? Object.entries(v).some(([k, x]) => UNSTORABLE.test(k) || holdsUnstorable(x))
        : false;

/**
 * Strings an attacker likes, NUL and unpaired surrogates excluded (the body check refuses those for the whole
 * body before any field is read; they have their own cases).
 */
const oddText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }).filter(noNul),
  fc.string({ unit: 'grapheme', maxLength: 20 }).filter(noNul),
  fc.string({ unit: 'binary', maxLength: 20 }).filter(noNul),
  fc.constantFrom(
    '',
    ' ',
    '\t\n',
    'NaN',
    'Infinity',
    'null',
    'true',
    '0x10',
    '1e400',
    'a\udfffb',
    '\ufeff',
    '\u202etxt.exe',
    '\u{1d518}\u{1d52b}\u{1d526}',
    '\u{1f469}\u200d\u{1f469}\u200d\u{1f467}',
    'c\u0327',
    '<script>alert(1)</script>',
    "'; DROP TABLE generations; --",
    '$' + '{7*7}{{7*7}}',
    '%00%2e%2e%2f',
    '../../../etc/passwd',
    '\\u0000',
  ),
  fc.nat({ max: 20_000 }).map((n) => 'x'.repeat(n)),
  fc.nat({ max: 3000 }).map((n) => '\u{1f600}'.repeat(n)),
);

const oddKey: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }).filter(noNul),
  fc.constantFrom(
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'variant',
    '',
    ' ',
    'a.b',
    'a[0]',
    'type ',
    'Model',
    'x'.repeat(1000),
  ),
);

/** Any JSON value, a few levels deep (deep nesting has its own suite). */
const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.constantFrom(null, true, false),
    oddNumber,
    oddText,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(oddKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;

// ---------------------------------------------------------------------------------------------------------
// Media URIs and webhook URLs. Host names are `.test` or `.invalid` (resolved above, never by DNS) or IP
// literals the guard refuses; no public address is ever generated.

const label = fc.stringMatching(/^[a-z0-9]{1,12}$/);
const path = fc.stringMatching(/^[A-Za-z0-9._~%-]{0,20}$/);
const base64 = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64'));

const NOT_PUBLIC_HOSTS = [
  '127.0.0.1',
  '[::1]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '169.254.169.254',
  '10.0.0.1:8443',
  '0x7f000001',
  '2130706433',
  '0177.0.0.1',
  '127.1',
  '0.0.0.0',
  '[fe80::1]',
  '100.64.0.1',
  '224.0.0.1',
  '255.255.255.255',
  '192.168.1.1.',
  'localhost',
  'rebind.test',
  'metadata.test',
  'v6.test',
  'mapped.test',
];

/** URIs no media slot accepts, whatever the model: the catalog refuses them before anything is fetched. */
const badUri = (kind: MediaKind): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(
      'asset://nope',
      'asset://',
      'asset://asset_',
      'asset://asset_a/b',
      'asset:asset_x',
      'file:///etc/passwd',
      'http://127.0.0.1/',
      'http://x.test/a.png',
      'ftp://x.test/a.png',
      'gopher://127.0.0.1:6379/_',
      'javascript:alert(1)',
      'data:',
      'data:,',
      'data:;base64,',
      'data:text/plain;base64,aGVsbG8=',
      `data:${kind === 'image' ? 'video' : 'image'}/x;base64,AAAA`,
      'https://',
      'https:///a.png',
      'https://user:pw@x.test/a.png',
      'https://x .test/a.png',
      'https://x.test:99999/a.png',
      'https://[::1/',
      '//x.test/a.png',
      'x.test/a.png',
      '',
      '   ',
      'C:\\Windows\\win.ini',
    ),
    fc.constantFrom(0, -1, true, null, {}, { uri: 'asset://asset_x' }),
  );

/** URIs whose syntax passes; what they point at fails later (nothing there, not public, not media). */
const syntaxOkUri = (kind: MediaKind): fc.Arbitrary<string> =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...NOT_PUBLIC_HOSTS), path).map(([host, p]) => `https://${host}/${p}`),
    fc
      .tuple(label, fc.constantFrom('test', 'invalid'), path)
      .map(([name, tld, p]) => `https://${name}.${tld}/${p}`),
    fc.constantFrom(
      'HTTPS://127.0.0.1/a.png',
      'https://127.0.0.1/%2e%2e/%2e%2e/etc/passwd',
      'https://rebind.test/a.png?x=1#y',
      `data:${kind}/png;base64,AAAA`,
      'data:;base64,iVBORw0KGgo=',
      `data:${kind}/x;name=a,%00%01`,
      'asset://asset_nope',
      `asset://asset_${'a'.repeat(300)}`,
    ),
    base64.filter((b) => b.length > 0).map((b) => `data:${kind}/png;base64,${b}`),
    label.map((id) => `asset://asset_${id}`),
  );

const WEBHOOKS_REFUSED: unknown[] = [
  'http://hooks.test/x',
  'https://127.0.0.1/x',
  'https://[::1]/x',
  'https://localhost/x',
  'https://a.localhost/x',
  'https://169.254.169.254/',
  'https://10.1.2.3/',
  'https://[::ffff:10.0.0.1]/',
  'https://0x7f.1/',
  'https://user:pw@hooks.test/',
  'https://hooks.test/#frag',
  'not a url',
  '',
  `https://${'a'.repeat(2100)}.test/`,
  'file:///etc/passwd',
  'javascript:alert(1)',
  5,
  null,
  {},
  [],
];
const webhookUrl: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...WEBHOOKS_REFUSED),
  fc.tuple(label, path).map(([name, p]) => `https://${name}.test/${p}`),
  oddText,
);

// ---------------------------------------------------------------------------------------------------------
// Near-valid inputs: a valid input of the model with one to three fields broken. `mustName` lists the fields
// whose new value is invalid whatever else is sent (the 422 must name each); other values may or may not pass.

interface Mutation {
  value: unknown;
  invalid: boolean;
}
const invalid = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> =>
  arb.map((value) => ({ value, invalid: true }));
const maybe = (arb: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation> =>
  arb.map((value) => ({ value, invalid: false }));

const POISON_KEYS = ['__proto__', 'constructor'];

const wrongTypes = fc.constantFrom<unknown>(null, true, 0, -1.5, [], ['x'], {}, { a: 1 });

function mutationOf(f: FieldSpec, validUris: Record<MediaKind, string[]>): fc.Arbitrary<Mutation> {
  switch (f.kind) {
    case 'string': {
      const over =
        f.maxLength === undefined
          ? []
          : ['x'.repeat(f.maxLength + 1), '\u{1f600}'.repeat(f.maxLength + 1), ` ${'y'.repeat(f.maxLength)}`];
      return fc.oneof(
        invalid(fc.constantFrom('', '   ', '\n\t', ...over)),
        invalid(wrongTypes.filter((v) => typeof v !== 'string')),
        invalid(oddNumber),
        maybe(oddText),
      );
    }
    case 'enum': {
      const near = f.values.flatMap((v) => [v.toUpperCase(), `${v} `, ` ${v}`, `${v}\u200b`, `${v}\u0301`]);
      return fc.oneof(
        invalid(fc.constantFrom(...near.filter((v) => !f.values.includes(v)), '', 'x'.repeat(10_000))),
        invalid(wrongTypes),
        invalid(oddNumber),
        maybe(fc.constantFrom(...f.values)),
        maybe(oddText),
      );
    }
    case 'number': {
      const whole = Number.isInteger(f.min) && Number.isInteger(f.step);
      const out = [
        f.min - f.step,
        f.max + f.step,
        -f.max,
        f.max * 1000,
        2 ** 53 + 2,
        Number.MAX_VALUE,
        -Number.MAX_VALUE,
        raw('1e400'),
        raw('-1e400'),
        raw(`${f.max}${'9'.repeat(30)}`),
        ...(whole ? [f.min + f.step / 2, f.max - 0.001, raw(`${f.min}.5`)] : []),
        ...(f.min > 0 ? [raw('-0'), 0, Number.MIN_VALUE] : []),
      ];
      return fc.oneof(
        invalid(fc.constantFrom(...out)),
        invalid(
          fc.constantFrom(
            `${f.min}`,
            `${f.max}`,
            'NaN',
            'Infinity',
            '',
            [f.min],
            { value: f.min },
            true,
            null,
          ),
        ),
        maybe(fc.integer({ min: Math.floor(f.min) - 3, max: Math.ceil(f.max) + 3 })),
        maybe(fc.double({ min: f.min - 1, max: f.max + 1, noNaN: true })),
        maybe(
          fc.constantFrom(
            raw(`${f.min}.0`),
            raw(`${f.min}e0`),
            raw(`${f.max}.0000000000000001`),
            raw(`${f.min * 10}e-1`),
          ),
        ),
        maybe(fc.double()),
      );
    }
    case 'boolean':
      return fc.oneof(
        invalid(fc.constantFrom('true', 'false', 1, 0, null, [], {}, 'yes', [true])),
        maybe(fc.boolean()),
      );
    case 'media': {
      const good = validUris[f.media];
      const okItem = mediaItem(f.media, validUris);
      if (f.maxItems === undefined) {
        return fc.oneof(
          invalid(badUri(f.media)),
          invalid(fc.array(okItem, { minLength: 1, maxLength: 2 })),
          maybe(okItem),
        );
      }
      return fc.oneof(
        invalid(okItem),
        invalid(fc.constantFrom(0, null, {}, true)),
        invalid(fc.array(okItem, { minLength: f.maxItems + 1, maxLength: f.maxItems + 3 })),
        invalid(
          fc
            .tuple(fc.array(okItem, { maxLength: f.maxItems - 1 }), badUri(f.media), fc.nat())
            .map(([items, bad, at]) => {
              const list: unknown[] = [...items];
              list.splice(at % (list.length + 1), 0, bad);
              return list;
            }),
        ),
        invalid(fc.constantFrom([[good[0] ?? 'asset://asset_x']], [['a', 'b'], 'c'])),
        maybe(fc.array(okItem, { maxLength: f.maxItems })),
      );
    }
  }
}

/**
 * One URI for a slot of `kind` whose syntax passes: this account's assets (of the slot's kind or another),
 * or URIs that fail when resolved (nothing there, an address the guard refuses, bytes that are not media).
 */
function mediaItem(kind: MediaKind, validUris: Record<MediaKind, string[]>): fc.Arbitrary<string> {
  const own = validUris[kind];
  const others = Object.values(validUris).flat();
  return fc.oneof(
    syntaxOkUri(kind),
    ...(own.length > 0 ? [fc.constantFrom(...own)] : []),
    ...(others.length > 0 ? [fc.constantFrom(...others)] : []),
  );
}

/** A media field of the model set to URIs whose syntax passes, so a create resolves them (fetch, decode, probe). */
function mediaOnlyInput(
  model: ModelEntry,
  base: Record<string, unknown>,
  validUris: Record<MediaKind, string[]>,
): fc.Arbitrary<NearValid> {
  const media = model.fields.filter((f) => f.kind === 'media');
  if (media.length === 0) return fc.constant({ input: base, mustName: [] });
  return fc
    .constantFrom(...media)
    .chain((f) =>
      (f.maxItems === undefined
        ? mediaItem(f.media, validUris)
        : fc.array(mediaItem(f.media, validUris), { minLength: 1, maxLength: Math.min(f.maxItems, 3) })
      ).map((value) => ({ input: { ...base, [f.name]: value }, mustName: [] })),
    );
}

interface NearValid {
  input: Record<string, unknown>;
  mustName: string[];
}

function nearValidInput(
  model: ModelEntry,
  base: Record<string, unknown>,
  validUris: Record<MediaKind, string[]>,
): fc.Arbitrary<NearValid> {
  const known = new Set(model.fields.map((f) => f.name));
  const required = model.fields.filter((f) => f.required).map((f) => f.name);
  const changes = fc
    .subarray([...model.fields], { minLength: 1, maxLength: 3 })
    .chain((fields) =>
      fc.tuple(...fields.map((f) => mutationOf(f, validUris).map((m) => [f.name, m] as const))),
    );
  // Keys the JSON parser refuses as prototype poisoning (a 400 for the whole body) are left to the envelopes.
  // Unknown fields and a dropped required field come in one run of four.
  const unknown = fc.oneof(
    { weight: 3, arbitrary: fc.constant({}) },
    fc.dictionary(
      oddKey.filter((k) => !known.has(k) && !POISON_KEYS.includes(k)),
      anyJson.filter((v) => !POISON_KEYS.some((k) => toJson(v).includes(JSON.stringify(k)))),
      { minKeys: 1, maxKeys: 2 },
    ),
  );
  const dropped = fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    required.length > 0 ? fc.constantFrom(...required) : fc.constant(null),
  );
  return fc.tuple(changes, unknown, dropped).map(([changed, extra, dropped]) => {
    const input: Record<string, unknown> = { ...base };
    const mustName: string[] = [];
    for (const [name, m] of changed) {
      input[name] = m.value;
      if (m.invalid) mustName.push(name);
    }
    for (const [k, v] of Object.entries(extra)) {
      input[k] = v;
      mustName.push(k);
    }
    if (dropped !== null && !changed.some(([name]) => name === dropped)) {
      delete input[dropped];
      mustName.push(dropped);
    }
    return { input, mustName };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Whole envelopes.

const MODEL_IDS = models.map((m) => m.id);
const NO_ASSETS: Record<MediaKind, string[]> = { image: [], video: [], audio: [] };
/** NUL characters only where the whole body is checked loosely: the NUL check answers for every field at once. */
const withNul = fc.constantFrom('a\u0000b', '\u0000', 'x\u0000'.repeat(30), 'a\ud800b', '\udc00', '\ud83d');

const modelId: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...MODEL_IDS) },
  fc
    .constantFrom(...MODEL_IDS)
    .chain((id) =>
      fc.constantFrom(
        id.toUpperCase(),
        ` ${id}`,
        `${id} `,
        `${id}/`,
        `../${id}`,
        `${id}\u200b`,
        id.replace('.', '%2e'),
      ),
    ),
  oddText,
  wrongTypes,
);

const envelope: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          type: fc.oneof(
            fc.constantFrom('video', 'image', 'audio', 'VIDEO', ' video', 'text'),
            anyJson,
            withNul,
          ),
          model: modelId,
          input: fc.oneof(
            fc
              .constantFrom(...models)
              .chain((m) => nearValidInput(m, { ...m.exampleInput }, NO_ASSETS).map((n) => n.input)),
            anyJson,
            fc.dictionary(oddKey, anyJson, { maxKeys: 6 }),
          ),
          webhookUrl,
        },
        { requiredKeys: [] },
      )
      .chain((body) =>
        fc
          .dictionary(fc.oneof(oddKey, withNul), fc.oneof(anyJson, withNul), { maxKeys: 3 })
          .map((extra) => ({ ...extra, ...body })),
      ),
  },
  anyJson,
);

// ---------------------------------------------------------------------------------------------------------

describe('fuzzing generation requests: never a 5xx, every refusal the error JSON naming the field', () => {
  let t: TestGateway;
  let assetsByKind: Record<MediaKind, string[]>;

  beforeAll(async () => {
    t = await startGateway('pglite', {
      // Nothing runs and nothing is sent: generations stay queued, webhooks are never delivered.
      REELAY_WORKER_CONCURRENCY: '0',
      REELAY_WEBHOOK_CONCURRENCY: '0',
      REELAY_KEY_RATE_PER_MINUTE: '10000000',
      REELAY_MAX_CONCURRENT_GENERATIONS: '10000000',
      REELAY_DEV_TOKENS: '1000000000',
    });
    const image = await upload(t, await makePng(640, 640, [10, 120, 200]), 'image/png');
    const video = await upload(
      t,
      await makeVideo({ width: 720, height: 1280, fps: 24, seconds: 3, silent: true }),
      'video/mp4',
    );
    const audio = await upload(t, Buffer.concat([wavHeader(96_000), Buffer.alloc(96_000)]), 'audio/wav');
    assetsByKind = { image: [image.uri], video: [video.uri], audio: [audio.uri] };
  });

  afterAll(async () => {
    await t?.stop();
  });

  /** The example input of a model with its media slots filled by this account's real assets. */
  const withRealAssets = (model: ModelEntry): Record<string, unknown> => {
    const input: Record<string, unknown> = { ...model.exampleInput };
    for (const f of model.fields) {
      if (f.kind !== 'media' || input[f.name] === undefined) continue;
      const uri = assetsByKind[f.media][0];
      input[f.name] = f.maxItems === undefined ? uri : [uri];
    }
    return input;
  };

  const send = (path: string, text: string, headers: Record<string, string> = {}) =>
    t.api('POST', path, text, { 'content-type': 'application/json', ...headers });

  /** Every check an answer to a generation request must pass. */
  function check(r: TestResponse, text: string, mustName: string[] = []) {
    const what = `POST ${text.length > 1500 ? `${text.slice(0, 1500)}…` : text}`;
    expect(r.status, `${what} → ${r.text.slice(0, 600)}`).toBeLessThan(500);
    if (r.status >= 400) {
      expectErrorJson(r, what);
      expect(leaksIn(r.text, text, t.dataDir), what).toEqual([]);
      if (r.status === 422) expectNamesSentFields(r, text, what);
    } else {
      expect([200, 202], what).toContain(r.status);
    }
    // Unstorable text is refused for the whole body before any field is read: only those places are named.
    if (holdsUnstorable(JSON.parse(text))) {
      expect(r.status, `${what} → ${r.text.slice(0, 600)}`).toBe(422);
    } else if (mustName.length > 0) {
      expect(r.status, `${what} → ${r.text.slice(0, 600)}`).toBe(422);
      const named = namedParams(r);
      for (const name of mustName) {
        const p = `input.${name}`;
        expect(
          named.some((n) => n === p || n.startsWith(`${p}[`)),
          `${what}: the 422 names ${named.join(', ')}, not ${p}`,
        ).toBe(true);
      }
    }
  }

  /** Each param of a 422 is a field of the request: a top-level key sent (or type/model/input), or a field in input. */
  function expectNamesSentFields(r: TestResponse, text: string, what: string) {
    const body = JSON.parse(text) as Record<string, unknown>;
    const top = ['type', 'model', 'input', 'webhookUrl', ...Object.keys(body)];
    const model = typeof body.model === 'string' ? models.find((m) => m.id === body.model) : undefined;
    const input = body.input;
    const inputKeys = [
      ...(model?.fields.map((f) => f.name) ?? []),
      ...(typeof input === 'object' && input !== null && !Array.isArray(input) ? Object.keys(input) : []),
    ];
    const under = (param: string, key: string) =>
      param === key || param.startsWith(`${key}.`) || param.startsWith(`${key}[`);
    for (const param of namedParams(r)) {
      const ok =
        param === 'body' ||
        (param.startsWith('input.')
          ? inputKeys.some((k) => under(param.slice('input.'.length), k))
          : top.some((k) => under(param, k)));
      expect(ok, `${what}: ${param} is not a field of the request (${r.text.slice(0, 400)})`).toBe(true);
    }
  }

  it(`random envelopes on /api/v1/quotes (seed ${SEEDS.envelope}, ${RUNS.envelope} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(envelope, async (body) => {
        const text = toJson(body);
        check(await send('/api/v1/quotes', text), text);
      }),
      { seed: SEEDS.envelope, numRuns: RUNS.envelope },
    );
  });

  it.each(models.map((m) => [m.id, m] as const))(
    `near-valid inputs of %s on /api/v1/quotes (seed ${SEEDS.fields}, ${RUNS.fieldsPerModel} runs)`,
    async (_id, model) => {
      await fc.assert(
        fc.asyncProperty(
          nearValidInput(model, { ...model.exampleInput }, NO_ASSETS),
          async ({ input, mustName }) => {
            const text = toJson({ type: model.type, model: model.id, input });
            const r = await send('/api/v1/quotes', text);
            check(r, text, mustName);
            if (r.status === 200) {
              expect(r.json.model).toBe(model.id);
              expect(Number.isFinite(r.json.tokens) && r.json.tokens >= 0, r.text).toBe(true);
            }
          },
        ),
        { seed: SEEDS.fields, numRuns: RUNS.fieldsPerModel },
      );
    },
  );

  const createRequest = () =>
    fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(...models).chain((model) =>
          fc
            .tuple(
              fc.oneof(
                nearValidInput(model, withRealAssets(model), assetsByKind),
                mediaOnlyInput(model, withRealAssets(model), assetsByKind),
              ),
              fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, webhookUrl),
            )
            .map(([{ input, mustName }, hook]) => ({
              body: {
                type: model.type,
                model: model.id,
                input,
                ...(hook === null ? {} : { webhookUrl: hook }),
              },
              mustName,
            })),
        ),
      },
      envelope.map((body) => ({ body, mustName: [] as string[] })),
    );

  it(`creates on /api/v1/generations (seed ${SEEDS.creates}, ${RUNS.creates} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(createRequest(), async ({ body, mustName }) => {
        const text = toJson(body);
        const r = await send('/api/v1/generations', text);
        check(r, text, mustName);
        if (r.status === 202) expect(r.json.id).toMatch(/^gen_/);
      }),
      { seed: SEEDS.creates, numRuns: RUNS.creates },
    );
  });

  it(`creates and quotes carrying an Idempotency-Key (seed ${SEEDS.idempotent}, ${RUNS.idempotent} runs)`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(createRequest(), fc.boolean(), async ({ body, mustName }, quote) => {
        const text = toJson(body);
        const headers = { 'idempotency-key': `fuzz-${SEEDS.idempotent}-${n++}` };
        const path = quote ? '/api/v1/quotes' : '/api/v1/generations';
        const first = await send(path, text, headers);
        check(first, text, mustName);
        // The replay is the same answer.
        const again = await send(path, text, headers);
        check(again, text, mustName);
        expect(again.status, again.text).toBe(first.status);
      }),
      { seed: SEEDS.idempotent, numRuns: RUNS.idempotent },
    );
  });

  it('the guard allowed no connection out of the machine, and no real host name was looked up', async () => {
    // The resolver above is the one in use: rebind.test exists only there, pointing at a private address.
    const r = await send(
      '/api/v1/generations',
      toJson({
        type: 'image',
        model: 'grok-imagine',
        input: { prompt: 'x', sourceImage: 'https://rebind.test/a.png' },
      }),
    );
    expect(r.status, r.text).toBe(422);
    expect(namedParams(r)).toContain('input.sourceImage');
    expect(outbound.names).toContain('rebind.test');
    expect(outbound.allowed).toEqual([]);
    for (const name of outbound.names) expect(name).toMatch(/(^|\.)(test|invalid|localhost)\.?$/i);
  });
});
