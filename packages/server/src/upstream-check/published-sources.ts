import type { FetchLike } from '../providers/upstream/call-upstream.ts';
import type { PublishedPrice } from './compare-input.ts';
import { falInput, type PublishedInput, replicateInput } from './published-input.ts';

/**
 * Where each upstream publishes what a check reads: fal's per-endpoint OpenAPI document (public) and its pricing
 * API (`GET /v1/models/pricing`, with the key), Replicate's model (`GET /v1/models/{owner}/{name}`, with the
 * token), whose latest version carries its OpenAPI schema. Replicate's model answer has no price, and Kling
 * publishes no machine-readable schema of its API (only its HTML reference), so neither is read.
 */

/** A failure to read something an upstream publishes, said so the operator can act on it. */
export class PublishedReadError extends Error {
  override name = 'PublishedReadError';
}

/** The schema of one endpoint, and where it was read. */
export interface ReadSchema {
  url: string;
  input: PublishedInput;
}

export interface SourceOptions {
  fetch: FetchLike;
  timeoutMs: number;
}

const DETAIL_CHARS = 200;

async function getJson(
  options: SourceOptions,
  url: string,
  headers: Record<string, string> = {},
): Promise<unknown> {
  let response: Response;
  try {
    response = await options.fetch(url, {
      headers: { accept: 'application/json', ...headers },
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const cause =
      (error as Error).name === 'TimeoutError' ? `no answer in ${options.timeoutMs} ms` : String(error);
    throw new PublishedReadError(`cannot read ${url}: ${cause}`);
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    const detail = text.replace(/\s+/g, ' ').trim().slice(0, DETAIL_CHARS);
    throw new PublishedReadError(`${url} answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new PublishedReadError(`${url} answered with something other than JSON`);
  }
}

/** `url` with `name=value` added to its query. */
function withQuery(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.append(name, value);
  return u.toString();
}

/** fal's OpenAPI document of one endpoint (`…/openapi.json?endpoint_id=fal-ai/…`), reduced to its input. */
export async function readFalSchema(
  options: SourceOptions,
  schemaUrl: string,
  endpoint: string,
): Promise<ReadSchema> {
  const url = withQuery(schemaUrl, 'endpoint_id', endpoint);
  return { url, input: falInput(await getJson(options, url), endpoint) };
}

/** Most endpoint ids fal's pricing API takes in one call. */
const PRICING_BATCH = 50;

/**
 * fal's published prices of `endpoints` (`GET {apiUrl}/v1/models/pricing?endpoint_id=a,b`, `Authorization: Key`):
 * endpoint → price; an endpoint fal lists no price for is left out. Throws when the prices cannot be read.
 */
export async function readFalPrices(
  options: SourceOptions,
  apiUrl: string,
  key: string,
  endpoints: readonly string[],
): Promise<Map<string, PublishedPrice>> {
  const out = new Map<string, PublishedPrice>();
  for (let i = 0; i < endpoints.length; i += PRICING_BATCH) {
    const ids = endpoints.slice(i, i + PRICING_BATCH).join(',');
    const url = withQuery(`${apiUrl.replace(/\/+$/, '')}/v1/models/pricing`, 'endpoint_id', ids);
    const answer = await getJson(options, url, { authorization: `Key ${key}` });
    const prices = (answer as { prices?: unknown }).prices;
    if (!Array.isArray(prices)) throw new PublishedReadError(`${url} answered without a prices list`);
    for (const p of prices as Record<string, unknown>[]) {
      if (
        typeof p?.endpoint_id === 'string' &&
        typeof p.unit_price === 'number' &&
        typeof p.unit === 'string' &&
        typeof p.currency === 'string'
      ) {
        out.set(p.endpoint_id, { unitPrice: p.unit_price, unit: p.unit, currency: p.currency });
      }
    }
  }
  return out;
}

/** A Replicate model's latest version's input schema (`GET {baseUrl}/v1/models/{owner}/{name}`, Bearer token). */
export async function readReplicateSchema(
  options: SourceOptions,
  baseUrl: string,
  token: string,
  model: string,
): Promise<ReadSchema> {
  const url = `${baseUrl.replace(/\/+$/, '')}/v1/models/${model.split('/').map(encodeURIComponent).join('/')}`;
  const { input } = replicateInput(await getJson(options, url, { authorization: `Bearer ${token}` }));
  return { url, input };
}
