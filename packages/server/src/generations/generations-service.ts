import type { PriceOverrides } from '@reelay/catalog';
import type { AssetsService } from '../assets/assets-service.ts';
import type { Principal } from '../billing/api-keys.ts';
import type { LimitDefaults } from '../billing/limits.ts';
import type { Database } from '../db/database.ts';
import type { Owner } from '../key-mode.ts';
import type { DeprecationNotice, Lifecycles } from '../lifecycle/lifecycles.ts';
import type { Metrics } from '../observability/metrics.ts';
import { NO_TRACING, type Tracing } from '../observability/tracing.ts';
import { eventsAfter } from '../store/generation-events.ts';
import { loadGeneration } from '../store/generations.ts';
import { cancelGeneration } from './cancel-generation.ts';
import type { CheckedRequest } from './check-route.ts';
import { CreateBatcher } from './create-batcher.ts';
import { createGeneration } from './create-generation.ts';
import { deleteGenerationMedia } from './delete-generation-media.ts';
import type { GenerationEvent } from './generation-events.ts';
import { GenerationReads } from './generation-reads.ts';
import type { GenerationRecord } from './generation-record.ts';
import { type ListQuery, listGenerations } from './list-generations.ts';
import { wakeOnCallback } from './wake-on-callback.ts';

/** What creating generations needs besides the database. */
export interface GenerationsSettings {
  assets: AssetsService;
  prices: PriceOverrides;
  limits: LimitDefaults;
  /** Accept http:// webhook URLs besides https://. */
  allowHttpWebhooks: boolean;
  /** Accept webhook URLs on loopback and private addresses (development and tests). */
  allowPrivateWebhooks: boolean;
  /** Accept `provenance: false` in a request (REELAY_C2PA_ALLOW_OPT_OUT). */
  allowProvenanceOptOut?: boolean;
  /** The provider a generation of this principal and model runs on. */
  providerFor(principal: Principal, model: string): string;
  /** Refuses (422) a request no enabled provider can run, before any token is held. */
  checkRoute?(principal: Principal, request: CheckedRequest): Promise<void>;
  /** Refuses retired models and warns of deprecated ones; unset: every model is active. */
  lifecycles?: Lifecycles;
  /** Where created and canceled generations are counted (none when unset). */
  metrics?: Metrics;
  /** Spans of creates, whose trace the worker continues (none when unset). */
  tracing?: Tracing;
}

/** A generation's request side as the HTTP layer sees it: create, read, list, cancel, events, callbacks. */
export class GenerationsService {
  /** Decides creates, many per commit under load. */
  private readonly batcher: CreateBatcher;
  /** Reads generations for their owners, many per statement under load. */
  private readonly reads: GenerationReads;

  constructor(
    private readonly db: Database,
    private readonly settings: GenerationsSettings,
  ) {
    this.batcher = new CreateBatcher(db, settings.limits);
    this.reads = new GenerationReads(db);
  }

  create(
    principal: Principal,
    body: unknown,
    idempotencyKey: string | null,
    log: { warn(details: object, message: string): void },
    /** The new generation's id, when the caller records something under it first (a compat shape). */
    id?: string,
  ): Promise<{ generation: GenerationRecord; created: boolean }> {
    const tracing = this.settings.tracing ?? NO_TRACING;
    return tracing.inSpan('generation.create', { 'reelay.account_id': principal.accountId }, async (span) => {
      const outcome = await createGeneration(
        {
          db: this.db,
          ...this.settings,
          decide: (g) => this.batcher.decide(g),
          log,
          ...(tracing.enabled ? { traceCarrier: () => tracing.carrier() } : {}),
        },
        principal,
        body,
        idempotencyKey,
        id,
      );
      const g = outcome.generation;
      span.setAttributes({
        'reelay.generation_id': g.id,
        'reelay.model': g.model,
        'reelay.created': outcome.created,
      });
      if (outcome.created) this.settings.metrics?.generationCreated(g.model, g.provider ?? 'local');
      return outcome;
    });
  }

  /** What an answer about a generation of `model` says when the model is deprecated (headers); null otherwise. */
  deprecationOf(model: string): DeprecationNotice | null {
    return this.settings.lifecycles?.notice(model) ?? null;
  }

  /** Refuses (410) a retired model; what a deprecated one's answer says (a quote, which creates nothing). */
  checkLifecycle(model: string): DeprecationNotice | null {
    return this.settings.lifecycles?.check(model) ?? null;
  }

  /** The generation if it is the owner's (its account and mode), else null. */
  find(owner: Owner, id: string): Promise<GenerationRecord | null> {
    return this.reads.find(owner, id);
  }

  /** The generation as it is now (whoever's it is: for callers that already found it for its account). */
  load(id: string): Promise<GenerationRecord | null> {
    return loadGeneration(this.db, id);
  }

  list(owner: Owner, query: ListQuery): Promise<{ data: GenerationRecord[]; nextCursor: string | null }> {
    return listGenerations(this.db, owner, query);
  }

  async cancel(owner: Owner, id: string): Promise<GenerationRecord> {
    const g = await cancelGeneration(this.db, owner, id);
    this.settings.metrics?.generationEnded(g.model, g.provider ?? 'local', 'canceled');
    return g;
  }

  /** Deletes a finished generation's outputs and the inputs it alone used (see delete-generation-media.ts). */
  deleteMedia(owner: Owner, id: string, log: { warn(details: object, message: string): void }) {
    return deleteGenerationMedia(this.db, (key) => this.settings.assets.storage.delete(key), owner, id, log);
  }

  /** The events of one generation after `afterId`, oldest first. */
  eventsAfter(generationId: string, afterId: number, limit: number): Promise<GenerationEvent[]> {
    return eventsAfter(this.db, generationId, afterId, limit);
  }

  /** An upstream's callback named this work: its job is made due now. False when none is waiting for it. */
  wakeOnCallback(provider: string, upstreamId: string): Promise<boolean> {
    return wakeOnCallback(this.db, provider, upstreamId);
  }
}
