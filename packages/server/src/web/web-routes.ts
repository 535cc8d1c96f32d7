import {
  describeModel,
  findModel,
  type Locale,
  type ModelDescription,
  models,
  summarizeModel,
} from '@reelay/catalog';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import type { ApiDeps } from '../api/deps.ts';
import { type CatalogFilter, catalogPage } from './catalog-page.ts';
import { consolePage } from './console-page.ts';
import { dashboardPage } from './dashboard-page.ts';
import { html } from './html.ts';
import { layout, localePath } from './layout.ts';
import { isLocale, LOCALES, say } from './messages.ts';
import { modelPage } from './model-page.ts';
import { loadStaticFiles } from './static-files.ts';

/**
 * Pages load only what the gateway serves: no inline script or style, no third party; media play from the
 * API (blob: URLs of fetched outputs, data: for small images).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The language of an unprefixed page: the best of Accept-Language among ours, else English. */
export const negotiateLocale = (acceptLanguage: string | undefined): Locale => {
  const best = new Negotiator({ headers: { 'accept-language': acceptLanguage ?? '' } }).language([
    ...LOCALES,
  ]);
  return best !== undefined && isLocale(best) ? best : 'en';
};

const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 200) : '');

/** The web pages: catalog, model pages with the playground, the dashboard, the operator console, and their stylesheet and scripts. */
export function webRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const files = loadStaticFiles();
  // The catalog and the prices are fixed while the process runs, so each language is described once.
  const described = new Map<Locale, ModelDescription[]>();
  const describeAll = (locale: Locale): ModelDescription[] => {
    let all = described.get(locale);
    if (!all) {
      all = models.map((m) => describeModel(m, { locale, prices: deps.prices }));
      described.set(locale, all);
    }
    return all;
  };

  app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'same-origin');
      return payload;
    });

    /** Renders a page in the locale of the path, or the negotiated one (and says so in Vary). */
    const page = (render: (locale: Locale, request: FastifyRequest, reply: FastifyReply) => string) => ({
      unprefixed: async (request: FastifyRequest, reply: FastifyReply) => {
        const locale = negotiateLocale(request.headers['accept-language']);
        reply.header('vary', 'Accept-Language');
        return send(reply, locale, render(locale, request, reply));
      },
      prefixed: async (request: FastifyRequest<{ Params: { locale: string } }>, reply: FastifyReply) => {
        const { locale } = request.params;
        if (!isLocale(locale)) return reply.callNotFound();
        return send(reply, locale, render(locale, request, reply));
      },
    });
    const send = (reply: FastifyReply, locale: Locale, body: string) =>
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-language', locale)
        .header('cache-control', 'no-cache')
        .send(body);

    const catalog = page((locale, request) => {
      const q = request.query as Record<string, unknown>;
      const filter: CatalogFilter = { q: text(q.q), type: text(q.type), capability: text(q.capability) };
      const all = describeAll(locale).map((m) => ({ ...m, lifecycle: deps.lifecycles.shown(m.id) }));
      return catalogPage(locale, all, filter);
    });
    const model = page((locale, request, reply) => {
      const id = (request.params as { id: string }).id;
      const entry = findModel(id);
      if (!entry) {
        reply.status(404);
        return layout({
          locale,
          path: '/models',
          title: say(locale, 'notFoundTitle'),
          section: 'models',
          body: html`<h1>${say(locale, 'notFoundTitle')}</h1><p>${say(locale, 'notFound', { id })}</p>
<p><a href="${localePath(locale, '/models')}">${say(locale, 'backToModels')}</a></p>`,
        });
      }
      const d =
        describeAll(locale).find((m) => m.id === entry.id) ??
        describeModel(entry, { locale, prices: deps.prices });
      return modelPage(locale, { ...d, lifecycle: deps.lifecycles.shown(d.id) }, deps.publicUrl);
    });
    const dashboard = page((locale) =>
      dashboardPage(
        locale,
        models.map((m) => summarizeModel(m, { locale })),
      ),
    );

    const operatorConsole = page((locale) => consolePage(locale));

    scope.get('/', async (request, reply) =>
      reply
        .header('vary', 'Accept-Language')
        .redirect(localePath(negotiateLocale(request.headers['accept-language']), '/models'), 302),
    );
    scope.get('/models', catalog.unprefixed);
    scope.get('/:locale/models', catalog.prefixed);
    scope.get('/models/:id', model.unprefixed);
    scope.get('/:locale/models/:id', model.prefixed);
    scope.get('/dashboard', dashboard.unprefixed);
    scope.get('/:locale/dashboard', dashboard.prefixed);
    scope.get('/console', operatorConsole.unprefixed);
    scope.get('/:locale/console', operatorConsole.prefixed);

    scope.get<{ Params: { name: string } }>('/static/:name', async (request, reply) => {
      const file = files.get(request.params.name);
      if (!file) return reply.callNotFound();
      reply.header('etag', file.etag).header('cache-control', 'no-cache');
      if (request.headers['if-none-match'] === file.etag) return reply.status(304).send();
      return reply.header('content-type', file.contentType).send(file.body);
    });
  });
}
