import type { ServerResponse } from 'node:http';

/** Attributes of a span: plain values only. */
export type SpanAttributes = Record<string, string | number | boolean>;

/** What a traced piece of work can add to its span while it runs. */
export interface SpanHandle {
  setAttributes(attributes: SpanAttributes): void;
}

/**
 * Traces for the operator (OpenTelemetry when configured, see otel-tracing.ts). The gateway calls these on its
 * paths whether or not tracing is on; {@link NO_TRACING} only runs the work, so a gateway without a collector
 * loads no tracing library and pays one function call.
 */
export interface Tracing {
  readonly enabled: boolean;
  /** Runs `work` in a span, a child of the span running now (if any); a throw marks the span failed. */
  inSpan<T>(name: string, attributes: SpanAttributes, work: (span: SpanHandle) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in a span whose parent is the stored context `carrier` (from {@link carrier} in another
   * request or process), or a new trace when there is none.
   */
  continueFrom<T>(
    carrier: string | null,
    name: string,
    attributes: SpanAttributes,
    work: (span: SpanHandle) => Promise<T>,
  ): Promise<T>;
  /** The span running now as a string to store (W3C `traceparent`), or null when none is. */
  carrier(): string | null;
  /** The trace id of the span running now, or null. */
  traceId(): string | null;
  /** Names the span running now after what it turned out to be (an HTTP request's matched route). */
  nameCurrent(name: string, attributes: SpanAttributes): void;
  /**
   * Handles one HTTP request inside a new span, so everything the request does is its child; the span ends when
   * the answer is done (`response` closes).
   */
  serveRequest(method: string, response: ServerResponse, handle: () => void): void;
  /** Sends the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

const NO_SPAN: SpanHandle = { setAttributes() {} };

/** Tracing off: the work runs as it is. */
export const NO_TRACING: Tracing = {
  enabled: false,
  inSpan: (_name, _attributes, work) => work(NO_SPAN),
  continueFrom: (_carrier, _name, _attributes, work) => work(NO_SPAN),
  carrier: () => null,
  traceId: () => null,
  nameCurrent() {},
  serveRequest: (_method, _response, handle) => handle(),
  shutdown: async () => {},
};

/**
 * The tracing a configuration asks for: OpenTelemetry exporting to `otlpEndpoint`, its SDK imported only then,
 * or {@link NO_TRACING}.
 */
export async function loadTracing(options: {
  otlpEndpoint: string | null;
  serviceName: string;
}): Promise<Tracing> {
  if (options.otlpEndpoint === null) return NO_TRACING;
  const { otlpTracing } = await import('./otel-tracing.ts');
  return otlpTracing(options.otlpEndpoint, options.serviceName);
}
