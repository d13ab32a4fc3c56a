// A server span per HTTP request (src/telemetry/trace-context-headers.ts): the caller's W3C trace
// context (`traceparent`, forwarded by Istio's sidecars) becomes the parent, so an MCP call or a webhook
// continues the caller's trace through the copilot to Gerrit, Kubernetes and the model. Health and
// metrics scrapes are not traced (noise). A no-op unless tracing is on.
import { trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';

import { withIncomingTrace } from '../telemetry/trace-context-headers.js';
import type { GicEnv } from './http-env.js';

const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

export function traceRequests(): MiddlewareHandler<GicEnv> {
  return async (c, next) => {
    if (UNTRACED.has(c.req.path)) return next();
    const route = c.req.path.startsWith('/api/') ? '/api/*' : c.req.path.startsWith('/.well-known/') ? '/.well-known/*' : c.req.path;
    await withIncomingTrace((name) => c.req.header(name), `${c.req.method} ${route}`, { 'http.request.method': c.req.method, 'http.route': route, 'gic.request_id': c.get('requestId') ?? '' }, async () => {
      await next();
      trace.getActiveSpan()?.setAttribute('http.response.status_code', c.res.status);
    });
  };
}
