// The service's Prometheus metrics (prom-client, a registry per process, never the global one): tool
// calls by tool and outcome, call latency by tool, decisions by kind, model calls and tokens, Gerrit and
// Kubernetes errors, HTTP requests by route class and status, and the process defaults (memory, CPU,
// event loop lag). /metrics serves them in the Prometheus text format.
import { Hono } from 'hono';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

import type { GicEnv } from './http-env.js';

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly toolCalls: Counter<'tool' | 'outcome'>;
  readonly toolSeconds: Histogram<'tool'>;
  readonly decisions: Counter<'decision'>;
  readonly modelCalls: Counter<'outcome'>;
  readonly modelTokens: Counter<'kind'>;
  readonly backendErrors: Counter<'system' | 'code'>;
  readonly httpRequests: Counter<'route' | 'status'>;
  readonly authFailures: Counter<'reason'>;
}

export function createServiceMetrics(options: { readonly defaults?: boolean } = {}): ServiceMetrics {
  const registry = new Registry();
  if (options.defaults !== false) collectDefaultMetrics({ register: registry, prefix: 'gic_' });
  const registers = [registry];
  return {
    registry,
    toolCalls: new Counter({ name: 'gic_tool_calls_total', help: 'MCP tool calls by tool and outcome (ok, refused, rejected, failed)', labelNames: ['tool', 'outcome'], registers }),
    toolSeconds: new Histogram({ name: 'gic_tool_call_duration_seconds', help: 'MCP tool call latency', labelNames: ['tool'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers }),
    decisions: new Counter({ name: 'gic_decisions_total', help: 'Access decisions answered, by decision', labelNames: ['decision'], registers }),
    modelCalls: new Counter({ name: 'gic_model_calls_total', help: 'Calls to the in-cluster model, by outcome', labelNames: ['outcome'], registers }),
    modelTokens: new Counter({ name: 'gic_model_tokens_total', help: 'Model tokens, by kind (prompt, completion)', labelNames: ['kind'], registers }),
    backendErrors: new Counter({ name: 'gic_backend_errors_total', help: 'Errors of the systems gic depends on (gerrit, kube, model, store), by error code', labelNames: ['system', 'code'], registers }),
    httpRequests: new Counter({ name: 'gic_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers }),
    authFailures: new Counter({ name: 'gic_auth_failures_total', help: 'Refused HTTP authentications, by reason', labelNames: ['reason'], registers }),
  };
}

export function createMetricsRoute(metrics: ServiceMetrics): Hono<GicEnv> {
  const app = new Hono<GicEnv>();
  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }));
  return app;
}
