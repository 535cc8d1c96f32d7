import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanAttributes, SpanHandle, Tracing } from './tracing.ts';

/** Imported only when tracing is configured (see tracing.ts), so a start without it loads none of this. */

/** Reads and writes the one `traceparent` key a stored carrier holds. */
const w3c = new W3CTraceContextPropagator();
const CARRIER_KEY = 'traceparent';

let contextManagerSet = false;

/**
 * The process-wide parts OpenTelemetry keeps in globals: the context manager (so the span running now follows
 * the work across awaits) and the propagator. Set once; the tracer itself is each gateway's own.
 */
function installGlobals(): void {
  if (contextManagerSet) return;
  contextManagerSet = context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(w3c);
}

/** Tracing that exports to an OTLP/HTTP collector (`endpoint` is its base URL, as OTEL_EXPORTER_OTLP_ENDPOINT). */
export function otlpTracing(endpoint: string, serviceName: string): Tracing {
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  return otelTracing(new BatchSpanProcessor({ exporter }), serviceName);
}

/** Tracing whose finished spans go to `processor` (tests give one with an in-memory exporter). */
export function otelTracing(processor: SpanProcessor, serviceName: string): Tracing {
  installGlobals();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('reelay');

  const run = async <T>(
    parent: Context,
    name: string,
    attributes: SpanAttributes,
    work: (span: SpanHandle) => Promise<T>,
  ): Promise<T> => {
    const span = tracer.startSpan(name, { attributes }, parent);
    try {
      return await context.with(trace.setSpan(parent, span), () => work(span));
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  };

  return {
    enabled: true,
    inSpan: (name, attributes, work) => run(context.active(), name, attributes, work),
    continueFrom(carrier, name, attributes, work) {
      const parent =
        carrier === null
          ? ROOT_CONTEXT
          : w3c.extract(ROOT_CONTEXT, { [CARRIER_KEY]: carrier }, { get: (c, k) => c[k], keys: Object.keys });
      return run(parent, name, attributes, work);
    },
    carrier() {
      const holder: Record<string, string> = {};
      w3c.inject(context.active(), holder, {
        set: (c, k, v) => {
          c[k] = v;
        },
      });
      return holder[CARRIER_KEY] ?? null;
    },
    traceId() {
      const span = trace.getActiveSpan();
      return span?.isRecording() ? span.spanContext().traceId : null;
    },
    nameCurrent(name, attributes) {
      const span = trace.getActiveSpan();
      span?.updateName(name);
      span?.setAttributes(attributes);
    },
    serveRequest(method, response, handle) {
      const span = tracer.startSpan(`HTTP ${method}`, {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': method },
      });
      // Ended when the answer has been handed to the connection (before the client can read it), or when the
      // connection closed first.
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        span.setAttribute('http.response.status_code', response.statusCode);
        if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      };
      response.once('finish', end);
      response.once('close', end);
      context.with(trace.setSpan(ROOT_CONTEXT, span), handle);
    },
    shutdown: () => provider.shutdown(),
  };
}

/** Marks a span failed with what was thrown. */
function failed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message ?? String(error) });
  if (error instanceof Error) span.recordException(error);
}
