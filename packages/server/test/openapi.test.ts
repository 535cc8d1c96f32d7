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

/** Every `METHOD /path` fastify serves, read from its route tree (`/:id` becomes `/{id}`). */
function servedRoutes(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)$/.exec(line.replace(/\u00a0/g, ' '));
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(m[2] ?? '');
    const path = stack.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of (m[3] ?? '').split(', ')) if (method !== 'HEAD') out.push(`${method} ${path}`);
  }
  return out.sort();
}

describe('OpenAPI document', () => {
  let t: TestGateway;
  // biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON.
  let doc: any;
  beforeAll(async () => {
    t = await startGateway('pglite');
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

  it('documents every API route the gateway serves (the admin API aside), and only those', async () => {
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const served = servedRoutes(t.gateway.http.printRoutes({ commonPrefix: false }));
    const api = served.filter((r) => r.includes(' /api/') && !r.includes('/api/v1/admin/'));
    expect(api.length).toBeGreaterThan(10);
    expect(documented.filter((r) => r.includes(' /api/'))).toEqual(api);
    for (const op of documented) expect(served).toContain(op);
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
