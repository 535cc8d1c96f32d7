import type { Quote } from '@reelay/catalog';
import type { KeyMode } from '../key-mode.ts';
import { type InputDelivery, PLANNED_URL, plannedMedia } from './input-delivery.ts';
import type { Assessment, Provider, ResolvedMedia, StartCall, Warning } from './provider.ts';
import type { ProviderRegistry } from './registry.ts';

/** A request as routing sees it, before or after it is stored. */
export interface RoutedRequest extends Omit<StartCall, 'signal' | 'idempotencyKey' | 'callbackUrl'> {
  runMode: KeyMode;
  quote: Quote;
}

/** Why one provider of the route cannot take the request. */
export interface Refusal {
  provider: string;
  problems: Warning[];
}

export type RouteDecision =
  | { provider: Provider; assessment: Assessment; refusals: Refusal[] }
  | { provider: null; refusals: Refusal[] };

/**
 * The provider a request runs on: the first of its model's route, not in `skip`, that can take every field and
 * receive every file with this configuration; past the first, only one whose cost stays within the quote. The
 * create asks this before any token is held and the worker again when it starts, so both agree.
 */
export function decideRoute(
  registry: ProviderRegistry,
  request: RoutedRequest,
  delivery: InputDelivery,
  skip: ReadonlySet<string> = new Set(),
): RouteDecision {
  const refusals: Refusal[] = [];
  const candidates = registry.routes.candidates(request.model, request.runMode);
  for (const [i, id] of candidates.entries()) {
    if (skip.has(id)) continue;
    const provider = registry.get(id);
    const media = plannedMedia(provider, request.media, delivery);
    const assessment = provider.assess?.({ ...request, media }) ?? { problems: [], warnings: [] };
    const problems = [...assessment.problems, ...unreceivable(provider, media, assessment.problems)];
    if (problems.length > 0) {
      refusals.push({ provider: id, problems });
      continue;
    }
    if (i > 0 && !registry.routes.withinQuote(id, request.model, request.variant, request.quote)) {
      refusals.push({
        provider: id,
        problems: [{ code: 'over_quote', message: `${id} would cost more than the quoted price` }],
      });
      continue;
    }
    return { provider, assessment, refusals };
  }
  return { provider: null, refusals };
}

/**
 * A problem for each file the provider has no way to receive that its mapping did not already name (a mapping may
 * send a file without checking it has a URL; the route must not be chosen all the same).
 */
function unreceivable(
  provider: Provider,
  media: readonly ResolvedMedia[],
  named: readonly Warning[],
): Warning[] {
  if (provider.id === 'local') return [];
  const seen = new Set(named.filter((p) => p.code === 'media_url_unavailable').map((p) => p.param));
  const out: Warning[] = [];
  for (const m of media) {
    const param = `input.${m.field}`;
    if (m.url === PLANNED_URL || seen.has(param)) continue;
    seen.add(param);
    out.push({
      code: 'media_url_unavailable',
      param,
      message: `${provider.id} cannot receive ${m.field} with this configuration (no public URL, and no upload it takes).`,
    });
  }
  return out;
}

/** The files of a request before it is stored (no local path yet, no URL). */
export function unplacedMedia(
  refs: readonly { field: string; index: number | null; assetId: string }[],
  assets: ReadonlyMap<string, { kind: ResolvedMedia['kind']; mediaType: string; bytes: number }>,
): ResolvedMedia[] {
  return refs.flatMap((ref) => {
    const asset = assets.get(ref.assetId);
    if (!asset) return [];
    return [
      { ...ref, kind: asset.kind, mediaType: asset.mediaType, bytes: asset.bytes, path: '', url: null },
    ];
  });
}
