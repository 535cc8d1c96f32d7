import type { Transport } from './transport.ts';
import type { Generation, GenerationRequest, GenerationStatus, Page } from './types.ts';
import { type WaitOptions, waitForGeneration } from './wait-for-generation.ts';

/** Options every call takes. */
export interface RequestOptions {
  signal?: AbortSignal;
}

/** Options of calls that create something: the Idempotency-Key is made up when not given. */
export interface CreateOptions extends RequestOptions {
  idempotencyKey?: string;
}

export interface ListParams {
  /** Page size, 1 to 100. */
  limit?: number;
  status?: GenerationStatus;
  model?: string;
  cursor?: string;
}

/** The generations of the key's account, newest first: iterate it for generations, or `pages()` for pages. */
export class GenerationList implements AsyncIterable<Generation> {
  constructor(
    private readonly t: Transport,
    private readonly params: ListParams,
    private readonly options: RequestOptions,
  ) {}

  /** One page after another, following `nextCursor`. */
  async *pages(): AsyncGenerator<Page<Generation>> {
    let cursor = this.params.cursor ?? null;
    do {
      const page: Page<Generation> = await this.t.json({
        method: 'GET',
        path: '/api/v1/generations',
        query: { ...this.params, cursor },
        signal: this.options.signal,
      });
      yield page;
      cursor = page.nextCursor;
    } while (cursor);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Generation> {
    for await (const page of this.pages()) yield* page.data;
  }
}

const path = (id: string) => `/api/v1/generations/${encodeURIComponent(id)}`;

/** `client.generations`: create, get, list, cancel, delete and wait. */
export class Generations {
  constructor(private readonly t: Transport) {}

  /** Validates, quotes, holds the tokens and queues the work; the answer is the queued generation. */
  create<const M extends string>(
    request: { model: M } & GenerationRequest<M>,
    options: CreateOptions = {},
  ): Promise<Generation> {
    return this.t.json({
      method: 'POST',
      path: '/api/v1/generations',
      json: request,
      idempotencyKey: options.idempotencyKey,
      signal: options.signal,
    });
  }

  get(id: string, options: RequestOptions = {}): Promise<Generation> {
    return this.t.json({ method: 'GET', path: path(id), signal: options.signal });
  }

  list(params: ListParams = {}, options: RequestOptions = {}): GenerationList {
    return new GenerationList(this.t, params, options);
  }

  /** Cancels a queued or running generation (its tokens are released); a finished one is a ConflictError. */
  cancel(id: string, options: CreateOptions = {}): Promise<Generation> {
    return this.t.json({
      method: 'POST',
      path: `${path(id)}/cancel`,
      idempotencyKey: options.idempotencyKey,
      signal: options.signal,
    });
  }

  /**
   * Deletes a finished generation's media: the bytes of its outputs and of the inputs it alone used (their rows
   * stay, marked `deleted`; the ledger is untouched). Answers the generation, its outputs `deleted`. A queued or
   * running one is a ConflictError (`generation_active`); another account's id a NotFoundError.
   */
  delete(id: string, options: RequestOptions = {}): Promise<Generation> {
    return this.t.json({ method: 'DELETE', path: path(id), signal: options.signal });
  }

  /**
   * Resolves once the generation has succeeded, failed or been canceled (check `status`). Follows the event
   * stream, and polls when the gateway has none or the stream keeps breaking.
   */
  wait(id: string, options: WaitOptions = {}): Promise<Generation> {
    return waitForGeneration(this.t, id, options);
  }
}
