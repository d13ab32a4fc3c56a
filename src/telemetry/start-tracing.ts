// Turns tracing on for a process (a composition root calls it once): an OpenTelemetry TracerProvider
// that batches spans to an OTLP/HTTP collector (`<endpoint>/v1/traces`, JSON), with `service.name`,
// a parent-based ratio sampler (a caller's sampling decision is always followed), AsyncLocalStorage
// context (so spans nest across awaits) and W3C trace context propagation. Without an endpoint nothing
// is registered and every span is a no-op. shutdown() flushes what is buffered.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';

import type { TracingSettings } from '../config/config-schema.js';
import { W3CTraceContext } from './w3c-trace-context.js';

export interface Tracing {
  /** True when spans are recorded and exported. */
  readonly enabled: boolean;
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Flushes and stops exporting; the global provider is removed. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, flush: () => Promise.resolve(), shutdown: () => Promise.resolve() };

export interface StartTracingOptions {
  /** `service.version`, `service.instance.id` (the pod name), ... */
  readonly resource?: Readonly<Record<string, string>>;
  /** Instead of the OTLP exporter (tests). */
  readonly exporter?: SpanExporter;
  /** How often the batch processor exports (ms, default 2,000). */
  readonly exportDelayMs?: number;
}

export function startTracing(settings: TracingSettings, options: StartTracingOptions = {}): Tracing {
  if (settings.otlpEndpoint === undefined && options.exporter === undefined) return OFF;
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: `${settings.otlpEndpoint!.replace(/\/+$/, '')}/v1/traces`, timeoutMillis: 10_000 });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName, ...options.resource }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: options.exportDelayMs ?? 2_000, maxQueueSize: 8_192, maxExportBatchSize: 512 })],
  });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContext());
  trace.setGlobalTracerProvider(provider);
  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
