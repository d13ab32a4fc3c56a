// Tracing for every layer except the engine (a leaf like log.ts): spans on the OpenTelemetry API, which
// records nothing until a composition root registers the SDK (src/telemetry/start-tracing.ts, off
// unless an OTLP endpoint is configured). `withSpan` runs work in a child span of the active one and
// marks it failed when the work throws; `traceHeaders` adds W3C trace context (`traceparent`) to an
// outgoing request so Gerrit, the API server, the model server and Istio's own spans join the trace;
// `activeTraceIds` gives the ids the JSON logs carry.
import { context, isSpanContextValid, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

const TRACER = 'gic';

export { SpanKind };

/** Runs `work` inside a new span (a child of the active span, if any), ends it, and records a failure. */
export async function withSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : undefined;
      if (code !== undefined) span.setAttribute('gic.error.code', code);
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** `headers` with the active trace context added (W3C `traceparent`/`tracestate`), when tracing is on. */
export function traceHeaders<H extends Record<string, string>>(headers: H): H {
  propagation.inject(context.active(), headers);
  return headers;
}

/** The active span's trace and span id (hex), or undefined outside a recorded span. */
export function activeTraceIds(): { readonly traceId: string; readonly spanId: string } | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const ids = span.spanContext();
  return isSpanContextValid(ids) ? { traceId: ids.traceId, spanId: ids.spanId } : undefined;
}
