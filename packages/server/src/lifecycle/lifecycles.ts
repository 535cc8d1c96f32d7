import { ACTIVE, effectiveStatus, findModel, lifecycleDate, type ModelLifecycle } from '@reelay/catalog';
import { ApiError } from '../errors.ts';

/** What a create of a deprecated model is told: the answer's headers and the generation's warning. */
export interface DeprecationNotice {
  /** `Deprecation` (RFC 9745): `@<unix seconds>`, when the deprecation date is known. */
  deprecation: string | null;
  /** `Sunset` (RFC 8594): an HTTP date, when the shutdown date is known. */
  sunset: string | null;
  warning: { code: 'model_deprecated'; message: string };
}

/**
 * The lifecycle of each model and upstream route: the catalog's, replaced per `<model>` or `<model>@<provider>`
 * by the operator's (REELAY_MODEL_LIFECYCLE, checked when the configuration is read). Dates are compared with
 * `now` at each call, so a model passes its shutdown without a restart.
 */
export class Lifecycles {
  constructor(
    private readonly overrides: Readonly<Record<string, ModelLifecycle>> = {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The model's lifecycle as set (not yet measured against the clock). */
  of(model: string): ModelLifecycle {
    return this.overrides[model] ?? findModel(model)?.lifecycle ?? ACTIVE;
  }

  /** The model's lifecycle as it stands now (a deprecated model past its shutdown is shown retired). */
  shown(model: string): ModelLifecycle {
    const lifecycle = this.of(model);
    return { ...lifecycle, status: effectiveStatus(lifecycle, this.now()) };
  }

  /** Whether routing may still try `provider` for `model`: not when its route is retired or past its shutdown. */
  routeOpen(model: string, provider: string): boolean {
    const route = this.overrides[`${model}@${provider}`];
    return route === undefined || effectiveStatus(route, this.now()) !== 'retired';
  }

  /** Refuses (410 `model_retired`) a model that is retired or past its shutdown; else what {@link notice} gives. */
  check(model: string): DeprecationNotice | null {
    const lifecycle = this.of(model);
    if (effectiveStatus(lifecycle, this.now()) === 'retired') throw retired(model, lifecycle);
    return this.notice(model);
  }

  /** What the answer and generation of a deprecated model say; null for any other. */
  notice(model: string): DeprecationNotice | null {
    const lifecycle = this.of(model);
    if (effectiveStatus(lifecycle, this.now()) !== 'deprecated') return null;
    const deprecatedAt = lifecycle.deprecatedAt ? lifecycleDate(lifecycle.deprecatedAt) : null;
    const shutdownAt = lifecycle.shutdownAt ? lifecycleDate(lifecycle.shutdownAt) : null;
    const until = lifecycle.shutdownAt ? ` and stops running on ${lifecycle.shutdownAt}` : '';
    const instead = lifecycle.replacement ? `; use ${lifecycle.replacement} instead` : '';
    return {
      deprecation: deprecatedAt ? `@${Math.floor(deprecatedAt.getTime() / 1000)}` : null,
      sunset: shutdownAt ? shutdownAt.toUTCString() : null,
      warning: { code: 'model_deprecated', message: `Model ${model} is deprecated${until}${instead}.` },
    };
  }
}

/** The refusal of a model no route can run any more, naming its replacement when there is one. */
export function retired(model: string, lifecycle: ModelLifecycle): ApiError {
  const instead = lifecycle.replacement ? `; use ${lifecycle.replacement} instead` : '';
  return new ApiError('model_retired', 410, `Model ${model} is retired and no longer runs${instead}.`, {
    param: 'model',
  });
}

/** Sets a deprecated model's `Deprecation` and `Sunset` headers on an answer. */
export function deprecationHeaders(
  reply: { header(name: string, value: string): unknown },
  notice: DeprecationNotice | null,
): void {
  if (notice === null) return;
  // A deprecation without a known date is still one: RFC 9745 wants a date, so the earliest is given.
  reply.header('deprecation', notice.deprecation ?? '@0');
  if (notice.sunset !== null) reply.header('sunset', notice.sunset);
}
