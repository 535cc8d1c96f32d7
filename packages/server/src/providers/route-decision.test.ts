import {
  type Json,
  type MediaKind,
  type ModelEntry,
  type ModelLifecycle,
  models,
  prepare,
} from '@reelay/catalog';
import { describe, expect, it } from 'vitest';
import { Lifecycles } from '../lifecycle/lifecycles.ts';
import { FalProvider } from './fal/fal-provider.ts';
import { deliveryWay, type InputDelivery } from './input-delivery.ts';
import { KlingProvider } from './kling/kling-provider.ts';
import type { Provider, ResolvedMedia } from './provider.ts';
import { ProviderRegistry } from './registry.ts';
import { ReplicateProvider } from './replicate/replicate-provider.ts';
import { decideRoute, type RoutedRequest } from './route-decision.ts';
import { DEFAULT_ROUTES } from './upstream-models.ts';

/** Adapters that must never be called here: the decision is made before anything is sent. */
const offline = () => Promise.reject(new Error('no network in this test'));
const deps = { fetch: offline, now: () => 0 };

function upstream(id: string): Provider {
  if (id === 'kling') {
    return new KlingProvider({
      ...deps,
      config: { accessKey: 'ak', secretKey: 'sk', baseUrl: 'https://kling.test', timeoutMs: 1000 },
    });
  }
  if (id === 'fal') {
    return new FalProvider({
      ...deps,
      config: {
        key: 'k',
        queueUrl: 'https://fal.test',
        jwksUrl: 'https://fal.test/j',
        userId: null,
        timeoutMs: 1000,
      },
    });
  }
  return new ReplicateProvider({
    ...deps,
    config: { token: 't', baseUrl: 'https://replicate.test', webhookSecret: null, timeoutMs: 1000 },
  });
}

function registry(route: readonly string[], model: string): ProviderRegistry {
  const r = new ProviderRegistry();
  for (const id of new Set(route)) r.register(upstream(id), { pollIntervalMs: 1000 });
  return r.routing({ routes: { [model]: [...route] }, caps: {}, costs: {} });
}

const MEDIA_TYPES: Record<MediaKind, string> = {
  image: 'image/png',
  video: 'video/mp4',
  audio: 'audio/mpeg',
};

const DELIVERIES: Record<string, InputDelivery> = {
  'no public URL': { preference: 'auto', linksReachable: false },
  'no public URL, links only': { preference: 'link', linksReachable: false },
  'public https URL': { preference: 'auto', linksReachable: true },
  'public https URL, uploads preferred': { preference: 'upload', linksReachable: true },
};

/** Every combination of the model's media fields filled (one file, or two in a list), as the catalog takes it. */
function inputKinds(model: ModelEntry): { name: string; request: RoutedRequest }[] {
  const mediaFields = model.fields.filter((f) => f.kind === 'media');
  const base: Record<string, Json> = { ...model.exampleInput };
  for (const f of mediaFields) delete base[f.name];
  const out: { name: string; request: RoutedRequest }[] = [];
  for (let mask = 0; mask < 1 << mediaFields.length; mask++) {
    const input: Record<string, Json> = { ...base };
    const filled = mediaFields.filter((_, i) => mask & (1 << i));
    for (const f of filled) {
      input[f.name] = f.maxItems !== undefined ? ['asset://asset_a', 'asset://asset_b'] : 'asset://asset_c';
    }
    let prepared = prepare(model, input);
    // A scalar of the example that a filled slot rules out (audio with a reference video, a long duration) is
    // left to its default, as a client would; a combination the catalog still refuses never reaches routing.
    for (let tries = 0; !prepared.ok && tries < 3; tries++) {
      for (const e of prepared.errors) {
        const name = e.param.replace(/^input\./, '').split(/[.[]/)[0] ?? '';
        if (!filled.some((f) => f.name === name)) delete input[name];
      }
      prepared = prepare(model, input);
    }
    if (!prepared.ok) continue;
    const media: ResolvedMedia[] = prepared.value.media.map((m, i) => ({
      field: m.field,
      index: m.index,
      kind: m.kind,
      assetId: `asset_${i}`,
      mediaType: MEDIA_TYPES[m.kind],
      path: '',
      bytes: 1000,
      url: null,
    }));
    out.push({
      name: filled.map((f) => f.name).join('+') || 'text only',
      request: { ...prepared.value, generationId: 'gen_1', runMode: 'live', media },
    });
  }
  return out;
}

/** What the worker sends for a file on the way it was chosen for: a link, an upload's URL, or base64. */
function delivered(provider: Provider, media: ResolvedMedia[], delivery: InputDelivery): ResolvedMedia[] {
  return media.map((m) => {
    const way = deliveryWay(provider, m, delivery);
    const url =
      way === 'inline' ? 'iVBORw0KGgo=' : way === null ? null : `https://files.test/${way}/${m.assetId}`;
    return { ...m, url };
  });
}

describe('route decision: every model × route × input kind × delivery', () => {
  const hosted = models.filter((m) => DEFAULT_ROUTES[m.id] !== undefined);

  it('covers every model an upstream hosts', () => {
    expect(hosted.length).toBeGreaterThan(10);
  });

  for (const model of hosted) {
    const upstreams = DEFAULT_ROUTES[model.id] ?? [];
    const routes = [...upstreams.map((id) => [id]), ...(upstreams.length > 1 ? [upstreams] : [])];
    it(`${model.id}: what the create takes, the chosen upstream can receive and run`, () => {
      for (const route of routes) {
        const providers = registry(route, model.id);
        for (const { name, request } of inputKinds(model)) {
          for (const [how, delivery] of Object.entries(DELIVERIES)) {
            const where = `${model.id} on [${route.join(',')}] with ${name}, ${how}`;
            const decision = decideRoute(providers, request, delivery);
            if (decision.provider === null) {
              // Refused at create (422) with a reason per provider; never queued.
              expect(decision.refusals.length, where).toBe(route.length);
              for (const r of decision.refusals) expect(r.problems.length, where).toBeGreaterThan(0);
              continue;
            }
            // Taken (202): every file reaches the provider chosen, and with the real values it refuses nothing,
            // so the worker, deciding the same way, cannot end it with unsupported_input.
            const media = delivered(decision.provider, request.media, delivery);
            expect(
              media.every((m) => m.url !== null),
              where,
            ).toBe(true);
            const again = decision.provider.assess?.({ ...request, media });
            expect(again?.problems ?? [], where).toEqual([]);
            expect(decideRoute(providers, request, delivery).provider?.id, where).toBe(decision.provider.id);
          }
        }
      }
    });
  }
});

describe('route decision: the cases that used to be accepted and then fail', () => {
  const omni = models.find((m) => m.id === 'kling-3.0-omni') as ModelEntry;
  const kinds = inputKinds(omni);
  const withKind = (name: string) => kinds.find((k) => k.name === name)?.request as RoutedRequest;
  const noLinks = DELIVERIES['no public URL'] as InputDelivery;

  it('runs a reference image on fal and Replicate by upload, and on Kling inline, without a public URL', () => {
    for (const id of ['fal', 'replicate', 'kling']) {
      const decision = decideRoute(registry([id], omni.id), withKind('referenceAssetUris'), noLinks);
      expect(decision.provider?.id).toBe(id);
    }
  });

  it('refuses a reference video on Kling alone without a public URL, naming the field', () => {
    const decision = decideRoute(registry(['kling'], omni.id), withKind('referenceVideo'), noLinks);
    expect(decision.provider).toBeNull();
    expect(decision.refusals[0]?.problems.map((p) => p.param)).toContain('input.referenceVideo');
    const linked = decideRoute(registry(['kling'], omni.id), withKind('referenceVideo'), {
      preference: 'auto',
      linksReachable: true,
    });
    expect(linked.provider?.id).toBe('kling');
  });

  it('passes a reference video over to the next upstream that takes it by upload', () => {
    const decision = decideRoute(registry(['kling', 'fal'], omni.id), withKind('referenceVideo'), noLinks);
    expect(decision.provider?.id).toBe('fal');
  });
});

describe('route decision: lifecycle of routes', () => {
  const omni = models.find((m) => m.id === 'kling-3.0-omni') as ModelEntry;
  const text = inputKinds(omni).find((k) => k.name === 'text only')?.request as RoutedRequest;
  const links = DELIVERIES['public https URL'] as InputDelivery;
  const withLifecycles = (route: readonly string[], overrides: Record<string, ModelLifecycle>) => {
    const r = new ProviderRegistry();
    for (const id of route) r.register(upstream(id), { pollIntervalMs: 1000 });
    const lifecycles = new Lifecycles(overrides, () => new Date('2030-01-01T00:00:00Z'));
    return r.routing({
      routes: { [omni.id]: [...route] },
      caps: {},
      costs: {},
      routeOpen: (model, provider) => lifecycles.routeOpen(model, provider),
    });
  };

  it('skips a route past its shutdown, and a retired one, before it is tried', () => {
    const pastShutdown = withLifecycles(['kling', 'fal'], {
      'kling-3.0-omni@kling': { status: 'deprecated', shutdownAt: '2001-01-01' },
    });
    const decision = decideRoute(pastShutdown, text, links);
    expect(decision.provider?.id).toBe('fal');
    expect(decision.refusals).toEqual([]);
    const retired = withLifecycles(['kling', 'fal'], { 'kling-3.0-omni@fal': { status: 'retired' } });
    expect(pastShutdown.routes.candidates(omni.id, 'live')).toEqual(['fal']);
    expect(retired.routes.candidates(omni.id, 'live')).toEqual(['kling']);
  });

  it('keeps a deprecated route whose shutdown is still ahead', () => {
    const ahead = withLifecycles(['kling', 'fal'], {
      'kling-3.0-omni@kling': { status: 'deprecated', shutdownAt: '2999-01-01' },
    });
    expect(decideRoute(ahead, text, links).provider?.id).toBe('kling');
  });

  it('leaves no candidate (not the local renderer) when every route is closed', () => {
    const closed = withLifecycles(['kling'], { 'kling-3.0-omni@kling': { status: 'retired' } });
    expect(closed.routes.candidates(omni.id, 'live')).toEqual([]);
    expect(decideRoute(closed, text, links).provider).toBeNull();
    // Test keys never reach an upstream, so a closed upstream route does not concern them.
    expect(closed.routes.candidates(omni.id, 'test')).toEqual(['local']);
  });
});
