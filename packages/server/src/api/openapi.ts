import type { Json, ModelEntry } from '@reelay/catalog';
import { modelSchemas } from './openapi-models.ts';
import { apiPaths, ERROR_RESPONSES, json, ok, ref } from './openapi-paths.ts';
import { sharedSchemas } from './openapi-schemas.ts';

type Schema = Record<string, Json>;

function responses(): Record<string, Json> {
  const out: Record<string, Json> = Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([name, description]) => [name, ok(description, ref('Error'))]),
  );
  out.RateLimited = {
    description: 'Too many requests for the key, or too many generations running; retry after the header.',
    headers: {
      'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 1 } },
    },
    content: json(ref('Error')),
  };
  return out;
}

/**
 * The OpenAPI 3.1 document of the public API, built from the catalog at hand: each model's input schema is a
 * named component, and the generation request a `oneOf` with one shape per model.
 */
export function openApiDocument(options: {
  models: readonly ModelEntry[];
  publicUrl: string;
  /** Whether the gateway serves `METHOD path` (fastify syntax); operations it does not serve are left out. */
  serves?: (method: string, path: string) => boolean;
}): Schema {
  const serves = options.serves ?? (() => true);
  const paths = Object.entries(apiPaths()).flatMap(([path, ops]) => {
    const served = Object.entries(ops).filter(([method]) =>
      serves(method.toUpperCase(), path.replace(/\{(\w+)\}/g, ':$1')),
    );
    return served.length > 0 ? [[path, Object.fromEntries(served)]] : [];
  });
  const used = JSON.stringify(paths);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Reelay API',
      version: '1.0.0',
      description:
        'One request shape — `{type, model, input}` — for every video, image and audio model of the catalog. ' +
        'JSON in and out; a Bearer API key in `Authorization`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: options.publicUrl }],
    security: [{ apiKey: [] }],
    tags: [
      { name: 'generations', description: 'Create, follow and cancel generations; price them first.' },
      { name: 'models', description: 'The catalog: fields, schemas and prices. No key needed.' },
      { name: 'assets', description: 'Media in and out.' },
      { name: 'account', description: 'Balance, usage and ledger.' },
      {
        name: 'webhooks',
        description: 'Signed notifications of state changes: the secret and the deliveries.',
      },
      { name: 'operations', description: 'Health, readiness and this reference.' },
    ],
    paths: Object.fromEntries(paths),
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `rl_test_…` or `rl_live_…`.' },
      },
      // Only the error answers some served operation refers to (a linter rightly flags unused ones).
      responses: Object.fromEntries(
        Object.entries(responses()).filter(([name]) => used.includes(`"#/components/responses/${name}"`)),
      ),
      schemas: { ...sharedSchemas(), ...modelSchemas(options.models) },
    },
  };
}
