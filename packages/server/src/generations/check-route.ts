import type { FieldError, NormalisedInput, Quote } from '@reelay/catalog';
import type { Principal } from '../billing/api-keys.ts';
import { outsideAllowlist, providerAllowlist } from '../billing/key-allowlist.ts';
import type { Queryable } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import { type Lifecycles, retired } from '../lifecycle/lifecycles.ts';
import type { InputDelivery } from '../providers/input-delivery.ts';
import type { ProviderRegistry } from '../providers/registry.ts';
import { decideRoute, type Refusal, unplacedMedia } from '../providers/route-decision.ts';
import { findAssets } from '../store/assets.ts';
import type { GenerationMediaRef } from './generation-record.ts';

export interface RouteCheckDeps {
  db: Queryable;
  providers: ProviderRegistry;
  delivery: InputDelivery;
  /** The models' lifecycles, for the refusal of a model whose every route is retired. */
  lifecycles?: Lifecycles;
}

/** What the create knows of a request once its input is checked and its files stored. */
export interface CheckedRequest {
  type: 'video' | 'image' | 'audio';
  model: string;
  mode: string;
  variant: string;
  quote: Quote;
  input: NormalisedInput;
  mediaRefs: readonly GenerationMediaRef[];
}

/**
 * Refuses, before any token is held, a request that no enabled provider of its route can run with this
 * configuration (its fields, how its files would reach the upstream, the credentials present): a `422`
 * `unsupported_input` naming each field and why, rather than a `202` that the worker would fail. The worker
 * decides again with the same function (route-decision.ts) when it starts, so the two agree.
 */
export async function checkRoute(
  deps: RouteCheckDeps,
  principal: Principal,
  request: CheckedRequest,
): Promise<void> {
  const ids = [...new Set(request.mediaRefs.map((r) => r.assetId))];
  const assets = new Map((await findAssets(deps.db, principal, ids)).map((a) => [a.id, a]));
  const decision = decideRoute(
    deps.providers,
    {
      generationId: '',
      model: request.model,
      type: request.type,
      mode: request.mode,
      variant: request.variant,
      input: request.input,
      media: unplacedMedia(request.mediaRefs, assets),
      runMode: principal.mode,
      quote: request.quote,
    },
    deps.delivery,
    new Set(
      outsideAllowlist(
        deps.providers.routes.candidates(request.model, principal.mode),
        providerAllowlist(principal),
      ),
    ),
  );
  if (decision.provider) return;
  if (deps.providers.routes.candidates(request.model, principal.mode).length === 0) {
    // Every enabled route of the model is retired or past its shutdown: refused as a retired model is.
    throw retired(request.model, deps.lifecycles?.of(request.model) ?? { status: 'retired' });
  }
  const kinds = new Map(
    request.mediaRefs.map((r) => [`input.${r.field}`, assets.get(r.assetId)?.kind ?? 'file']),
  );
  const details = refusalDetails(decision.refusals, kinds, deps.delivery);
  const first = details[0];
  throw new ApiError(
    'unsupported_input',
    422,
    first && details.length === 1 ? `${first.param}: ${first.message}` : describe(details),
    { details, ...(first ? { param: first.param } : {}) },
  );
}

const describe = (details: FieldError[]) =>
  `No enabled provider can run this request: ${details.map((d) => `${d.param}: ${d.message}`).join('; ')}`;

/** One detail per field a file of which no provider can receive, then each provider's other problems. */
function refusalDetails(
  refusals: readonly Refusal[],
  kinds: ReadonlyMap<string, string>,
  delivery: InputDelivery,
): FieldError[] {
  const details: FieldError[] = [];
  const unreachable = new Set<string>();
  for (const refusal of refusals) {
    for (const problem of refusal.problems) {
      if (problem.code === 'media_url_unavailable' && problem.param) {
        unreachable.add(problem.param);
        continue;
      }
      details.push({
        param: problem.param ?? 'input',
        code: 'not_allowed',
        message: `${refusal.provider}: ${problem.message}`,
      });
    }
  }
  const providers = refusals.map((r) => r.provider).join(', ');
  const fix =
    delivery.preference === 'link'
      ? 'set REELAY_UPSTREAM_INPUTS=auto so upstreams that take uploads get them, or REELAY_PUBLIC_URL to an https URL upstreams can reach'
      : 'set REELAY_PUBLIC_URL to an https URL upstreams can reach (or store files on https S3), or route this model to a provider that takes such files by upload (REELAY_ROUTES)';
  for (const param of unreachable) {
    details.unshift({
      param,
      code: 'not_allowed',
      message: `no enabled provider (${providers}) can receive ${article(kinds.get(param) ?? 'file')} without a public URL; ${fix}.`,
    });
  }
  return details;
}

const article = (kind: string) => (kind === 'image' ? 'an image' : `a ${kind}`);
