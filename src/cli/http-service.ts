// The serve composition root: puts the HTTP app together from the opened service (service-root.ts) and
// starts it on @hono/node-server. This is where surfaces mount their sub-apps: routes with their own
// authentication (the Gerrit webhook) go into `publicApps`, before the auth middleware; everything
// else (/mcp, /api, the chat page) into `apps`. It also owns graceful shutdown: stop accepting, wait for
// calls in flight, close.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { Registry } from 'prom-client';

import { createHttpApp } from '../http/create-http-app.js';
import { hostGuard, LOOPBACK_HOSTS } from '../http/dns-rebinding-guard.js';
import { createHealthRoutes } from '../http/health-routes.js';
import type { GicEnv } from '../http/http-env.js';
import { loopbackAuth } from '../http/loopback-auth.js';
import { createMetricsRoute, createServiceMetrics, type ServiceMetrics } from '../http/service-metrics.js';
import type { Logger } from '../log.js';
import { extendMcpServer } from '../mcp/mcp-catalog-extensions.js';
import { createMcpRoute } from '../mcp/mcp-http-route.js';
import { localActor } from './copilot-context.js';
import type { OpenedService } from './service-root.js';

export interface HttpServiceOptions {
  readonly service: OpenedService;
  readonly logger: Logger;
  readonly host: string;
  readonly port: number;
  readonly loopback: boolean;
  readonly allowedHosts: readonly string[];
  readonly version: string;
  /** Sub-apps with their own authentication, mounted before auth (the Gerrit webhook of the review bot). */
  readonly publicApps?: readonly Hono<GicEnv>[];
  /** Prometheus registry with process metrics (default true; benchmarks and tests may turn them off). */
  readonly defaultMetrics?: boolean;
}

export interface RunningHttpService {
  readonly address: AddressInfo | string;
  readonly app: Hono<GicEnv>;
  readonly metrics: ServiceMetrics;
  inFlight(): number;
  /** Drains (calls in flight may finish within `timeoutMs`), then closes the listener. */
  stop(timeoutMs: number): Promise<void>;
}

export async function startHttpService(options: HttpServiceOptions): Promise<RunningHttpService> {
  const { service, logger } = options;
  const metrics = createServiceMetrics({ defaults: options.defaultMetrics !== false });
  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const counter = {
    enter: () => {
      inFlight++;
    },
    leave: () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    },
  };
  const mcpServerOptions = {
    copilot: service.copilot,
    tools: service.tools,
    logger,
    version: options.version,
    extend: (s: Parameters<typeof extendMcpServer>[0]) => extendMcpServer(s, service.copilot),
    observe: (o: { tool: string; outcome: string; seconds: number; decision?: string }) => {
      metrics.toolCalls.inc({ tool: o.tool, outcome: o.outcome });
      metrics.toolSeconds.observe({ tool: o.tool }, o.seconds);
      if (o.decision !== undefined) metrics.decisions.inc({ decision: o.decision });
    },
  };
  const allowedHosts = [...(options.loopback ? LOOPBACK_HOSTS : []), ...options.allowedHosts];
  const app = createHttpApp({
    logger,
    hostGuard: hostGuard({ allowedHosts, onRefused: (reason) => metrics.authFailures.inc({ reason: `dns-rebinding-${reason}` }) }),
    publicApps: [createHealthRoutes({ check: () => service.sources(), draining: () => draining }), createMetricsRoute({ ...metrics, registry: Registry.merge([metrics.registry, ...service.registries]) }), ...(options.publicApps ?? [])],
    authenticate: loopbackAuth(localActor()),
    apps: [createMcpRoute({ server: mcpServerOptions, inFlight: counter })],
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resolve(s as Server)) as Server;
    s.once('error', reject);
  });
  server.requestTimeout = 300_000;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return {
    address: server.address() ?? '',
    app,
    metrics,
    inFlight: () => inFlight,
    stop: async (timeoutMs) => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([new Promise<void>((resolve) => (idle = resolve)), new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())]);
        if (inFlight > 0) logger.warn('calls still in flight at the drain deadline; closing', { inFlight });
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
