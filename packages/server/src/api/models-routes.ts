import { describeModel, findModel, type Locale, models, summarizeModel } from '@reelay/catalog';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import type { ApiDeps } from './deps.ts';

const LOCALES: readonly Locale[] = ['en', 'es', 'ru'];
const TYPES = ['video', 'image', 'audio'];

function localeOf(q: Record<string, unknown>): Locale {
  const locale = q.locale ?? 'en';
  if (typeof locale !== 'string' || !(LOCALES as readonly string[]).includes(locale)) {
    throw new ApiError('invalid_request', 400, `locale must be one of ${LOCALES.join(', ')}.`, {
      param: 'locale',
    });
  }
  return locale as Locale;
}

/** The catalog: public, no key needed. */
export function modelsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  app.get('/api/v1/models', async (request) => {
    const q = request.query as Record<string, unknown>;
    const locale = localeOf(q);
    if (q.type !== undefined && (typeof q.type !== 'string' || !TYPES.includes(q.type))) {
      throw new ApiError('invalid_request', 400, `type must be one of ${TYPES.join(', ')}.`, {
        param: 'type',
      });
    }
    if (q.capability !== undefined && typeof q.capability !== 'string') {
      throw new ApiError(
        'invalid_request',
        400,
        'capability may be given once, e.g. capability=image_to_video.',
        {
          param: 'capability',
        },
      );
    }
    const data = models.filter(
      (m) =>
        (q.type === undefined || m.type === q.type) &&
        (q.capability === undefined || (m.capabilities ?? m.modes).includes(q.capability as string)),
    );
    const lifecycle = (m: { id: string }) => deps.lifecycles.shown(m.id);
    return { data: data.map((m) => summarizeModel(m, { locale, prices: deps.prices, lifecycle })) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/models/:id', async (request) => {
    const model = findModel(request.params.id);
    if (!model)
      throw new ApiError(
        'model_not_found',
        404,
        `There is no model ${request.params.id}; GET /api/v1/models lists them.`,
      );
    return describeModel(model, {
      locale: localeOf(request.query as Record<string, unknown>),
      prices: deps.prices,
      lifecycle: (m) => deps.lifecycles.shown(m.id),
    });
  });
}
