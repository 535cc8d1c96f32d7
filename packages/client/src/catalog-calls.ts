import type { CreateOptions, RequestOptions } from './generations.ts';
import type { Transport } from './transport.ts';
import type { GenerationRequest, ModelDescription, ModelSummary, ModelType, QuoteResult } from './types.ts';

export type Locale = 'en' | 'es' | 'ru';

/** `client.models`: the catalog (no key needed). */
export class Models {
  constructor(private readonly t: Transport) {}

  async list(
    params: { type?: ModelType; capability?: string; locale?: Locale } = {},
    options: RequestOptions = {},
  ): Promise<ModelSummary[]> {
    const page = await this.t.json<{ data: ModelSummary[] }>({
      method: 'GET',
      path: '/api/v1/models',
      query: params,
      signal: options.signal,
    });
    return page.data;
  }

  /** A model in full: fields, input JSON Schema, prices per variant, modes and slots. */
  get(id: string, params: { locale?: Locale } = {}, options: RequestOptions = {}): Promise<ModelDescription> {
    return this.t.json({
      method: 'GET',
      path: `/api/v1/models/${encodeURIComponent(id)}`,
      query: params,
      signal: options.signal,
    });
  }
}

/** `client.quotes`: what a request would cost, without running it. */
export class Quotes {
  constructor(private readonly t: Transport) {}

  create<const M extends string>(
    request: { model: M } & GenerationRequest<M>,
    options: CreateOptions = {},
  ): Promise<QuoteResult> {
    return this.t.json({
      method: 'POST',
      path: '/api/v1/quotes',
      json: request,
      idempotencyKey: options.idempotencyKey,
      signal: options.signal,
    });
  }
}
