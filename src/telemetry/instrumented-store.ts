// The store as the service sees it, measured: every Store method call (audit appends, verification,
// proposals, conversations, the review ledger) is counted by operation and outcome, timed, and traced
// as a `store <operation>` client span. A wrapper at the composition root, so the store adapters stay
// free of metrics and the same wrapper serves SQLite and PostgreSQL. Metric families (prom-client, on the
// service's own registry): gic_store_operations_total{operation,outcome},
// gic_store_operation_duration_seconds{operation}, gic_audit_entries_appended_total.
import { Counter, Histogram, type Registry } from 'prom-client';

import type { Store } from '../store/store.js';
import { SpanKind, withSpan } from '../tracing.js';

export interface StoreMetrics {
  readonly backend: 'sqlite' | 'postgres';
  readonly operations: Counter<'operation' | 'outcome' | 'backend'>;
  readonly seconds: Histogram<'operation' | 'backend'>;
  readonly appended: Counter<'backend'>;
}

/** Registers the store's metric families on `registry` (once per registry). */
export function createStoreMetrics(registry: Registry, backend: 'sqlite' | 'postgres'): StoreMetrics {
  const registers = [registry];
  return {
    backend,
    operations: new Counter({ name: 'gic_store_operations_total', help: 'Store calls by operation and outcome (ok, or the error code)', labelNames: ['operation', 'outcome', 'backend'], registers }),
    seconds: new Histogram({ name: 'gic_store_operation_duration_seconds', help: 'Store call latency by operation', labelNames: ['operation', 'backend'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers }),
    appended: new Counter({ name: 'gic_audit_entries_appended_total', help: 'Audit entries this process appended to the hash chain', labelNames: ['backend'], registers }),
  };
}

/** `store` with every method measured; `close` and non-function members pass through. */
export function instrumentStore<S extends Store>(store: S, metrics: StoreMetrics): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      // close and the readiness ping (every few seconds) are not store work: not measured.
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'close' || property === 'ping' || property === 'constructor') return (typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value) as unknown;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        const started = performance.now();
        return withSpan(`store ${property}`, { 'db.operation.name': property }, async () => {
          try {
            const result = await (method.apply(target, args) as Promise<unknown>);
            metrics.operations.inc({ operation: property, outcome: 'ok', backend: metrics.backend });
            if (property === 'appendAudit') metrics.appended.inc({ backend: metrics.backend });
            return result;
          } catch (error) {
            const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : 'internal';
            metrics.operations.inc({ operation: property, outcome: code, backend: metrics.backend });
            throw error;
          } finally {
            metrics.seconds.observe({ operation: property, backend: metrics.backend }, (performance.now() - started) / 1000);
          }
        }, SpanKind.CLIENT);
      };
    },
  });
}
