import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { models } from '@reelay/catalog';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentBase } from '../src/api/openapi-models.ts';
import { type ClassifiedRoute, routeTable } from '../src/api/route-access.ts';
import { startGateway, type TestGateway } from './harness.ts';

const run = promisify(execFile);
const REDOCLY = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
const CONFIG = fileURLToPath(new URL('./redocly.yaml', import.meta.url));

/** Runs `redocly lint` on a document; the update check and telemetry are off, so nothing leaves the machine. */
async function lint(doc: unknown): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'reelay-openapi-'));
  const file = join(dir, 'openapi.json');
  await writeFile(file, JSON.stringify(doc));
  const env = {
    ...process.env,
    REDOCLY_TELEMETRY: 'off',
    REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
    CI: 'true',
  };
  try {
    const r = await run(process.execPath, [REDOCLY, 'lint', file, '--config', CONFIG, '--format=stylish'], {
      env,
    });
    return { code: 0, output: r.stdout + r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The web pages and their files: served to browsers, not part of the API (listed, so a new route is noticed). */
const WEB_PAGES = new Set([
  '/',
  '/models',
  '/:locale/models',
  '/models/:id',
  '/:locale/models/:id',
  '/dashboard',
  '/:locale/dashboard',
  '/console',
  '/:locale/console',
  '/static/:name',
]);

/** The methods whose body the gateway reads: a body too large is a 413 on each. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The routes the document must describe: every served one but HEAD and the web pages. */
function apiRoutes(table: readonly ClassifiedRoute[]): ClassifiedRoute[] {
  return table.filter((r) => r.method !== 'HEAD' && !WEB_PAGES.has(r.pattern));
}

// biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON.
type Doc = any;

/**
 * What the document lacks for these routes, one line each: a route with no operation, an operation of no route,
 * a status every route of its access answers (400 for another spelling of the path; 401 and 429 with an API key;
 * 401 and 403 on the admin API; 413 where a body is read), the `Idempotency-Key` a POST with a key honours and
 * the `Idempotent-Replayed` header of its answers, or the security its access means.
 */
function gaps(doc: Doc, routes: readonly ClassifiedRoute[]): string[] {
  const out: string[] = [];
  const served = new Set(routes.map((r) => `${r.method} ${r.pattern.replace(/:(\w+)/g, '{$1}')}`));
  for (const [path, ops] of Object.entries(doc.paths as Record<string, object>)) {
    for (const method of Object.keys(ops)) {
      const name = `${method.toUpperCase()} ${path}`;
      if (!served.has(name)) out.push(`${name}: documented but not served`);
    }
  }
  for (const route of routes) {
    const path = route.pattern.replace(/:(\w+)/g, '{$1}');
    const name = `${route.method} ${path}`;
    const op = doc.paths[path]?.[route.method.toLowerCase()];
    if (!op) {
      out.push(`${name}: not documented`);
      continue;
    }
    const statuses = Object.keys(op.responses ?? {});
    const needed = [
      '400',
      ...(route.access === 'key' ? ['401', '429'] : []),
      ...(route.access === 'admin' ? ['401', '403'] : []),
      ...(route.access === 'metrics' ? ['401'] : []),
      ...(BODY_METHODS.has(route.method) || op.requestBody ? ['413'] : []),
    ];
    for (const status of needed) if (!statuses.includes(status)) out.push(`${name}: no ${status} answer`);
    const withKey = route.access === 'key' || route.access === 'admin';
    if (route.method === 'POST' && withKey) {
      const header = (op.parameters ?? []).find(
        (p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
      if (!header) out.push(`${name}: no Idempotency-Key header`);
      for (const [status, answer] of Object.entries(op.responses ?? {}) as [string, Doc][]) {
        if (status.startsWith('2') && !answer.headers?.['Idempotent-Replayed']) {
          out.push(`${name}: ${status} without Idempotent-Replayed`);
        }
      }
    }
    const security = JSON.stringify(op.security ?? doc.security);
    const wanted = JSON.stringify(
      route.access === 'key'
        ? [{ apiKey: [] }]
        : route.access === 'admin'
          ? [{ adminKey: [] }]
          : route.access === 'metrics'
            ? [{ metricsToken: [] }]
            : [],
    );
    if (security !== wanted) out.push(`${name}: security ${security}, not ${wanted}`);
  }
  return out;
}

const METRICS_TOKEN = 'openapi-test-metrics-token';

describe('OpenAPI document', () => {
  let t: TestGateway;
  // biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON.
  let doc: any;
  beforeAll(async () => {
    // Metrics on, so `/metrics` is served and must be documented like every other route.
    t = await startGateway('pglite', { REELAY_METRICS_TOKEN: METRICS_TOKEN });
    doc = (await t.api('GET', '/openapi.json', undefined, { authorization: '' })).json;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('passes redocly lint (recommended-strict), and the linter does fail a broken document', async () => {
    const good = await lint(doc);
    expect(good.output).not.toMatch(/error/i);
    expect(good.code).toBe(0);
    const broken = structuredClone(doc);
    delete broken.components.schemas.Generation;
    broken.paths['/api/v1/generations'].post.operationId = 'listGenerations';
    const bad = await lint(broken);
    expect(bad.code).not.toBe(0);
    expect(bad.output).toContain('no-unresolved-refs');
    expect(bad.output).toContain('operation-operationId-unique');
  });

  it('has every catalog model as an input component and a request in the oneOf, keyed by model', () => {
    expect(doc.openapi).toBe('3.1.0');
    const schemas = doc.components.schemas;
    const request = schemas.GenerationRequest;
    expect(request.oneOf).toHaveLength(models.length);
    for (const model of models) {
      const base = componentBase(model.id);
      expect(schemas[`${base}Input`].properties).toHaveProperty(model.fields[0]?.name ?? '');
      expect(schemas[`${base}Request`].properties.model).toEqual({ type: 'string', const: model.id });
      expect(request.discriminator.mapping[model.id]).toBe(`#/components/schemas/${base}Request`);
      expect(request.oneOf).toContainEqual({ $ref: `#/components/schemas/${base}Request` });
    }
    expect(componentBase('kling-3.0-omni')).toBe('Kling3_0Omni');
    expect(componentBase('kling-30-omni')).toBe('Kling30Omni');
  });

  it('documents every route the gateway serves but its web pages, with what its access answers', () => {
    const routes = apiRoutes(routeTable(t.gateway.http));
    const patterns = routes.map((r) => `${r.method} ${r.pattern}`);
    // The route table is whole: each access class and the routes outside /api/ are in it.
    for (const route of [
      'POST /api/v1/generations',
      'PATCH /api/v1/admin/accounts/:id',
      'GET /files/:id',
      'POST /callbacks/:provider',
      'GET /readyz',
      'GET /openapi.json',
      'GET /docs',
      'GET /metrics',
    ]) {
      expect(patterns).toContain(route);
    }
    expect(gaps(doc, routes)).toEqual([]);
  });

  it('would notice a route left out, a common answer missing or a POST without Idempotency-Key', () => {
    const routes = apiRoutes(routeTable(t.gateway.http));
    const broken = structuredClone(doc);
    delete broken.paths['/readyz'];
    delete broken.paths['/api/v1/generations'].get.responses['429'];
    delete broken.paths['/api/v1/admin/accounts/{id}'].patch.responses['403'];
    delete broken.paths['/api/v1/assets/{id}'].delete.responses['413'];
    delete broken.paths['/files/{id}'].get.responses['400'];
    const cancel = broken.paths['/api/v1/generations/{id}/cancel'].post;
    cancel.parameters = cancel.parameters.filter((p: { name: string }) => p.name !== 'Idempotency-Key');
    delete broken.paths['/api/v1/keys'].post.responses['201'].headers['Idempotent-Replayed'];
    broken.paths['/api/v1/admin/keys/{id}/revoke'].post.security = [];
    broken.paths['/api/v1/account'].get.security = [];
    broken.paths['/metrics'].get.security = [];
    delete broken.paths['/metrics'].get.responses['401'];
    broken.paths['/nowhere'] = { get: broken.paths['/healthz'].get };
    expect(gaps(broken, routes).sort()).toEqual(
      [
        'GET /readyz: not documented',
        'GET /api/v1/generations: no 429 answer',
        'PATCH /api/v1/admin/accounts/{id}: no 403 answer',
        'DELETE /api/v1/assets/{id}: no 413 answer',
        'GET /files/{id}: no 400 answer',
        'POST /api/v1/generations/{id}/cancel: no Idempotency-Key header',
        'POST /api/v1/keys: 201 without Idempotent-Replayed',
        'POST /api/v1/admin/keys/{id}/revoke: security [], not [{"adminKey":[]}]',
        'GET /api/v1/account: security [], not [{"apiKey":[]}]',
        'GET /metrics: no 401 answer',
        'GET /metrics: security [], not [{"metricsToken":[]}]',
        'GET /nowhere: documented but not served',
      ].sort(),
    );
  });

  it('documents Prefer: wait on creating a generation: 200 when finished, 202 otherwise', () => {
    const create = doc.paths['/api/v1/generations'].post;
    expect(create.parameters.map((p: { name: string }) => p.name)).toEqual(['Prefer', 'Idempotency-Key']);
    for (const status of ['200', '202']) {
      expect(create.responses[status].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/Generation',
      });
      expect(Object.keys(create.responses[status].headers).sort()).toEqual([
        'Idempotent-Replayed',
        'Location',
        'Preference-Applied',
      ]);
    }
    expect(doc.components.securitySchemes.adminKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents /metrics as served: its token scheme, its text answer and its 401', async () => {
    const op = doc.paths['/metrics'].get;
    expect(op.security).toEqual([{ metricsToken: [] }]);
    expect(doc.components.securitySchemes.metricsToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '404']);
    const scrape = await t.api('GET', '/metrics', undefined, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(scrape.status).toBe(200);
    const type = scrape.headers.get('content-type') ?? '';
    expect(Object.keys(op.responses['200'].content)).toEqual([type.replace(/;\s*charset=.*$/, '')]);
    const refused = await t.api('GET', '/metrics', undefined, { authorization: 'Bearer wrong' });
    expect(refused.status).toBe(401);
  });

  it('describes real answers: a quote, a generation, a model list and a 422', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ ...doc.components.schemas.Error, $id: 'Error' });
    const check = (name: string, value: unknown) => {
      const schema = {
        $id: `check-${name}-${Math.random()}`,
        $defs: doc.components.schemas,
        $ref: `#/$defs/${name}`,
      };
      const text = JSON.stringify(schema).replaceAll('#/components/schemas/', '#/$defs/');
      const validate = ajv.compile(JSON.parse(text));
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    };
    const model = models[0];
    if (!model) throw new Error('empty catalog');
    const request = { type: model.type, model: model.id, input: { ...model.exampleInput } };
    delete (request.input as Record<string, unknown>).referenceAssetUris;
    check('GenerationRequest', request);
    const quote = await t.api('POST', '/api/v1/quotes', request);
    expect(quote.status).toBe(200);
    check('QuoteResult', quote.json);
    const created = await t.api('POST', '/api/v1/generations', request);
    expect(created.status).toBe(202);
    check('Generation', created.json);
    check('ModelList', (await t.api('GET', '/api/v1/models')).json);
    check('Model', (await t.api('GET', `/api/v1/models/${model.id}`)).json);
    const bad = await t.api('POST', '/api/v1/generations', { ...request, input: { prompt: 7 } });
    expect(bad.status).toBe(422);
    check('Error', bad.json);
    expect(() => check('GenerationRequest', { ...request, model: 'no-such-model' })).toThrow();
  });

  it('serves the reference page, with every operation and every model, from the gateway itself', async () => {
    const page = await t.api('GET', '/docs', undefined, { authorization: '' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).not.toMatch(/<script/i);
    // A way back to the site, and no request for a favicon the gateway does not have.
    expect(page.text).toContain('<a href="/models">Models</a>');
    expect(page.text).toContain('<a href="/dashboard">Dashboard</a>');
    expect(page.text).toContain('<link rel="icon" href="data:,">');
    for (const path of Object.values(doc.paths) as Record<string, { operationId: string }>[]) {
      for (const op of Object.values(path)) expect(page.text).toContain(`id="${op.operationId}"`);
    }
    for (const model of models) {
      expect(page.text).toContain(`id="model-${model.id}"`);
      for (const f of model.fields) expect(page.text).toContain(`<code>${f.name}</code>`);
    }
  });
});
