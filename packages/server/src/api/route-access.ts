import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.ts';

/**
 * Who may call a route:
 * - `key`: an API key of an account (counted against the key's request rate); every `/api/` route but those listed
 *   public or admin, and every route of the Replicate shape under `/replicate/v1/`;
 * - `admin`: the operator's admin key only (`/api/v1/admin/` and the audit log);
 * - `public`: anyone (health, the catalog, the OpenAPI document, the web pages and their files);
 * - `signed`: anyone holding a link the route itself verifies (`/files/{id}?expires&signature`);
 * - `callback`: an upstream, checked by its provider (signature or a lookup, never trusted as a result);
 * - `metrics`: a scraper holding the operator's metrics token (REELAY_METRICS_TOKEN), `/metrics` only.
 */
export type RouteAccess = 'key' | 'admin' | 'public' | 'signed' | 'callback' | 'metrics';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** The Authorization schemes a `key` route takes (`Bearer` when unset). */
    keySchemes?: readonly string[];
  }
}

const PUBLIC_PATTERNS = new Set([
  '/',
  '/healthz',
  '/readyz',
  '/openapi.json',
  '/docs',
  '/api/v1/models',
  '/api/v1/models/:id',
  '/models',
  '/:locale/models',
  '/models/:id',
  '/:locale/models/:id',
  '/dashboard',
  '/:locale/dashboard',
  // The console page is public HTML; its script calls the admin API with the admin key the operator enters.
  '/console',
  '/:locale/console',
  '/static/:name',
]);

/** Routes for the operator outside `/api/v1/admin/`. */
const ADMIN_PATTERNS = new Set(['/api/v1/audit']);

/**
 * The access of a route, decided once from its pattern when it is registered. Every route under `/api/` needs a
 * key unless it is listed as public; anything else must be listed, so a new route nobody classified stops the
 * gateway from starting instead of going out unguarded. Routes under `/v1/` (the OpenAI shape) need a key too.
 */
export function accessOfPattern(pattern: string): RouteAccess {
  if (PUBLIC_PATTERNS.has(pattern)) return 'public';
  if (pattern === '/files/:id') return 'signed';
  if (pattern === '/callbacks/:provider') return 'callback';
  if (pattern === '/metrics') return 'metrics';
  if (pattern.startsWith('/api/v1/admin/') || ADMIN_PATTERNS.has(pattern)) return 'admin';
  if (pattern.startsWith('/api/')) return 'key';
  // The OpenAI-shaped API (compat/openai): every route takes an API key.
  if (pattern.startsWith('/v1/')) return 'key';
  // The Replicate shape (compat/replicate/): every route needs a key.
  if (pattern.startsWith('/replicate/v1/')) return 'key';
  throw new Error(`The route ${pattern} has no access rule: add it to api/route-access.ts.`);
}

/** A registered route and who may call it. */
export interface ClassifiedRoute {
  method: string;
  pattern: string;
  access: RouteAccess;
}

const tables = new WeakMap<FastifyInstance, ClassifiedRoute[]>();

/** Stamps every route registered after this call with its access (kept in the route's own config). */
export function classifyRoutes(app: FastifyInstance): void {
  const table: ClassifiedRoute[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route) => {
    const pattern = route.url ?? route.path;
    const access = route.config?.access ?? accessOfPattern(pattern);
    route.config = { ...route.config, access };
    for (const method of [route.method].flat()) table.push({ method, pattern, access });
  });
}

/** Every route of an app built with `classifyRoutes`, with its access (the security tests walk it). */
export function routeTable(app: FastifyInstance): readonly ClassifiedRoute[] {
  return tables.get(app) ?? [];
}

/** The path of a request target: origin form as sent, or the path of an absolute-form target. */
function rawPathOf(target: string): string | null {
  const path = target.startsWith('/')
    ? target
    : (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(\/[^?#]*)?/i.exec(target)?.[1] ?? null);
  if (path === null) return null;
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}

/**
 * Refuses a request whose path is another spelling of the route it matched (percent-encoded letters or slashes,
 * dot segments, doubled or trailing slashes, `;` parameters in a fixed part): the route's fixed segments must be
 * written byte for byte as registered; only its parameters may be encoded. Guards then decide on the matched
 * route alone, and what they decided on is what the router ran.
 */
export function assertCanonicalPath(request: FastifyRequest): void {
  const pattern = request.routeOptions.url;
  if (pattern === undefined) return;
  const raw = rawPathOf(request.raw.url ?? '');
  const wanted = pattern.split('/');
  const sent = raw?.split('/');
  const agrees =
    sent !== undefined &&
    sent.length === wanted.length &&
    wanted.every((segment, i) =>
      segment.startsWith(':') ? !['', '.', '..'].includes(sent[i] ?? '') : segment === sent[i],
    );
  if (!agrees) {
    throw new ApiError(
      'invalid_request',
      400,
      `The request path is not written as the route ${pattern} is: send it without percent-encoded letters, dot segments, repeated or trailing slashes or ';' parameters.`,
    );
  }
}
