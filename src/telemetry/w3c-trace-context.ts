// W3C Trace Context (https://www.w3.org/TR/trace-context/) as an OpenTelemetry TextMapPropagator:
// reads `traceparent` (version 00; later versions read by their first four fields, as the spec asks)
// and `tracestate` from incoming headers, writes them on outgoing ones. Istio's sidecars and waypoints
// propagate the same headers, so the mesh's spans and gic's join one trace. Malformed headers are
// ignored (a new trace starts); they never fail a request.
import { createTraceState, isSpanContextValid, trace, TraceFlags, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

const TRACEPARENT_PATTERN = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The span context a `traceparent` value carries, or undefined when it is not one. */
export function parseTraceparent(value: string): { traceId: string; spanId: string; traceFlags: number } | undefined {
  const match = TRACEPARENT_PATTERN.exec(value.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED };
}

export class W3CTraceContext implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const span = trace.getSpanContext(context);
    if (span === undefined || !isSpanContextValid(span)) return;
    setter.set(carrier, TRACEPARENT, `00-${span.traceId}-${span.spanId}-0${Number(span.traceFlags || TraceFlags.NONE).toString(16)}`);
    const state = span.traceState?.serialize();
    if (state !== undefined && state !== '') setter.set(carrier, TRACESTATE, state);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = getter.get(carrier, TRACEPARENT);
    const value = Array.isArray(header) ? header[0] : header;
    if (typeof value !== 'string') return context;
    const parsed = parseTraceparent(value);
    if (parsed === undefined) return context;
    const stateHeader = getter.get(carrier, TRACESTATE);
    const state = Array.isArray(stateHeader) ? stateHeader.join(',') : stateHeader;
    return trace.setSpanContext(context, { ...parsed, isRemote: true, ...(typeof state === 'string' && state !== '' ? { traceState: createTraceState(state) } : {}) });
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  }
}
