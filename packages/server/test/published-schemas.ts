import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const FIXTURES = new URL('./fixtures/upstream-schemas/', import.meta.url);

// biome-ignore lint/suspicious/noExplicitAny: recorded documents are arbitrary JSON, changed by the tests.
export type Doc = any;

/** A recorded document of `fixtures/upstream-schemas/`. */
export const fixture = (name: string): Doc => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));

/** The fal endpoint → its recorded OpenAPI document, as the routes of the test send them. */
export function recordedFalDocuments(): Record<string, Doc> {
  const v3 = {
    t2v: fixture('fal-kling-video-v3-text-to-video.json'),
    i2v: fixture('fal-kling-video-v3-image-to-video.json'),
  };
  const out: Record<string, Doc> = {
    'fal-ai/nano-banana': fixture('fal-nano-banana.json'),
    'fal-ai/nano-banana/edit': fixture('fal-nano-banana-edit.json'),
    'fal-ai/veo3.1/lite': fixture('fal-veo3.1-lite.json'),
    'fal-ai/veo3.1/lite/image-to-video': fixture('fal-veo3.1-lite-image-to-video.json'),
    'fal-ai/veo3.1/lite/first-last-frame-to-video': fixture('fal-veo3.1-lite-first-last-frame-to-video.json'),
  };
  // fal's V3 tiers publish the same fields: each is served the recorded standard document, under its own paths.
  const forTier = (doc: Doc, tier: string): Doc =>
    JSON.parse(JSON.stringify(doc).replaceAll('/v3/standard/', `/v3/${tier}/`));
  for (const tier of ['standard', 'pro', '4k']) {
    out[`fal-ai/kling-video/v3/${tier}/text-to-video`] = forTier(v3.t2v, tier);
    out[`fal-ai/kling-video/v3/${tier}/image-to-video`] = forTier(v3.i2v, tier);
  }
  return out;
}

/** The models the test's routes cover, with their recorded documents. */
export const RECORDED_MODELS = ['nano-banana', 'veo-3.1-lite', 'kling-3.0'];

/**
 * fal's schema and pricing APIs and Replicate's models API on 127.0.0.1, answering from documents the test can
 * change (to plant drift) or make fail (`failing`: endpoint or model → HTTP status).
 */
export interface PublishedSchemas {
  url: string;
  fal: Record<string, Doc>;
  falPrices: Doc;
  replicate: Record<string, Doc>;
  failing: Map<string, number>;
  /** Every request, as `METHOD path?query` with its Authorization header. */
  requests: { line: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

export const FAL_KEY = 'fal-test-key';
export const REPLICATE_TOKEN = 'r8_test_token';

export async function startPublishedSchemas(): Promise<PublishedSchemas> {
  const state = {
    fal: recordedFalDocuments(),
    falPrices: fixture('fal-pricing.json'),
    replicate: { 'google/nano-banana': fixture('replicate-google-nano-banana.json') } as Record<string, Doc>,
    failing: new Map<string, number>(),
    requests: [] as PublishedSchemas['requests'],
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    state.requests.push({
      line: `${req.method} ${url.pathname}${url.search}`,
      authorization: req.headers.authorization,
    });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return send(405, { detail: 'Method not allowed' });
    if (url.pathname === '/api/openapi/queue/openapi.json') {
      const endpoint = url.searchParams.get('endpoint_id') ?? '';
      const failing = state.failing.get(endpoint);
      if (failing) return send(failing, { detail: 'upstream trouble' });
      const doc = state.fal[endpoint];
      return doc ? send(200, doc) : send(404, { detail: `Endpoint ${endpoint} not found` });
    }
    if (url.pathname === '/v1/models/pricing') {
      if (req.headers.authorization !== `Key ${FAL_KEY}`) return send(401, { detail: 'Invalid key' });
      const ids = (url.searchParams.get('endpoint_id') ?? '').split(',');
      const all = state.falPrices.prices;
      const prices = Array.isArray(all) ? all.filter((p: Doc) => ids.includes(p.endpoint_id)) : all;
      return send(200, { prices, next_cursor: null, has_more: false });
    }
    const model = /^\/v1\/models\/([^/]+\/[^/]+)$/.exec(url.pathname)?.[1];
    if (model) {
      if (req.headers.authorization !== `Bearer ${REPLICATE_TOKEN}`) {
        return send(401, {
          title: 'Unauthenticated',
          detail: 'You did not pass a valid authentication token',
        });
      }
      const failing = state.failing.get(model);
      if (failing) return send(failing, { detail: 'upstream trouble' });
      const doc = state.replicate[decodeURIComponent(model)];
      return doc ? send(200, doc) : send(404, { detail: 'Not found.' });
    }
    return send(404, { detail: 'Not found.' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** Gateway settings that point fal and Replicate at `schemas` (and let the guarded fetch reach loopback). */
export function upstreamSettings(schemas: { url: string }): Record<string, string> {
  return {
    REELAY_FAL_KEY: FAL_KEY,
    REELAY_FAL_QUEUE_URL: schemas.url,
    REELAY_FAL_SCHEMA_URL: `${schemas.url}/api/openapi/queue/openapi.json`,
    REELAY_FAL_API_URL: schemas.url,
    REELAY_REPLICATE_API_TOKEN: REPLICATE_TOKEN,
    REELAY_REPLICATE_BASE_URL: schemas.url,
    REELAY_FETCH_ALLOW_HTTP: 'on',
    REELAY_FETCH_ALLOW_PRIVATE: 'on',
  };
}

/**
 * Plants drift in the recorded documents: a field fal dropped, a new required field, an enum value Replicate
 * no longer takes, a price fal raised.
 */
export function plantDrift(schemas: PublishedSchemas): void {
  // fal-ai/nano-banana no longer has output_format.
  delete schemas.fal['fal-ai/nano-banana'].components.schemas.NanoBananaTextToImageInput.properties
    .output_format;
  // fal-ai/veo3.1/lite now requires a safety_tolerance it never had.
  const veo = schemas.fal['fal-ai/veo3.1/lite'].components.schemas.Veo31LiteTextToVideoInput;
  veo.properties.safety_tolerance = {
    title: 'Safety Tolerance',
    type: 'string',
    enum: ['1', '2', '3', '4', '5', '6'],
  };
  veo.required.push('safety_tolerance');
  // Replicate's google/nano-banana takes jpg and webp, no longer png.
  schemas.replicate[
    'google/nano-banana'
  ].latest_version.openapi_schema.components.schemas.output_format.enum = ['jpg', 'webp'];
  // fal's V3 standard text-to-video costs more.
  const price = schemas.falPrices.prices.find(
    (p: Doc) => p.endpoint_id === 'fal-ai/kling-video/v3/standard/text-to-video',
  );
  price.unit_price = 0.126;
}
