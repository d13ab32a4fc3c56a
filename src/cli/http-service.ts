// The serve composition root: puts the HTTP app together from the opened service (service-root.ts) and
// starts it on @hono/node-server. This is where surfaces mount their sub-apps: routes with their own
// authentication (the Gerrit webhook) go into `publicApps`, before the auth middleware; everything
// else (/mcp, /api, the chat page) into `apps`. It picks the authentication the settings ask for (none
// on loopback, OAuth with the issuer's JWKS, or trusted headers from the local sidecar), per-tool
// authorization by Gerrit group, per-identity rate limits, and owns graceful shutdown: stop accepting,
// let calls in flight finish, close.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { serve } from '@hono/node-server';
import type { Hono, MiddlewareHandler } from 'hono';
import { Registry } from 'prom-client';

import { accountGroups } from '../copilot/gerrit-groups.js';
import { AppError } from '../errors.js';
import { createChatApiRoutes } from '../http/chat-api-routes.js';
import { createHttpApp } from '../http/create-http-app.js';
import { hostGuard, LOOPBACK_HOSTS } from '../http/dns-rebinding-guard.js';
import { createHealthRoutes } from '../http/health-routes.js';
import type { GicEnv } from '../http/http-env.js';
import { loopbackAuth } from '../http/loopback-auth.js';
import { oauthAuth } from '../http/oauth-auth.js';
import { createResourceMetadataRoutes, resourceMetadataUrl } from '../http/protected-resource-metadata.js';
import { rateLimit } from '../http/rate-limit.js';
import { createMetricsRoute, createServiceMetrics, type ServiceMetrics } from '../http/service-metrics.js';
import { trustedHeaderAuth } from '../http/trusted-header-auth.js';
import { createWebPageRoutes } from '../http/web-page-routes.js';
import type { Logger } from '../log.js';
import type { McpServerOptions } from '../mcp/create-mcp-server.js';
import { extendMcpServer } from '../mcp/mcp-catalog-extensions.js';
import { createMcpRoute } from '../mcp/mcp-http-route.js';
import { createToolAuthorizer } from '../mcp/tool-authorization.js';
import type { AuthorizeTool } from '../mcp/tool-call-pipeline.js';
import { chatAccess } from './chat-access.js';
import { localActor } from './copilot-context.js';
import type { OpenedService } from './service-root.js';

export interface HttpServiceOptions {
  readonly service: OpenedService;
  readonly logger: Logger;
  readonly host: string;
  readonly port: number;
  readonly version: string;
  /** The metrics (created by the caller when it meters the model too); default: a new registry. */
  readonly metrics?: ServiceMetrics;
  /** Sub-apps of other surfaces: before auth (own auth, e.g. the Gerrit webhook) and behind it. */
  readonly publicApps?: readonly Hono<GicEnv>[];
  readonly apps?: readonly Hono<GicEnv>[];
}

export interface RunningHttpService {
  readonly address: AddressInfo;
  /** `http://host:port` as clients reach it (the public URL when configured). */
  readonly url: string;
  readonly authMode: string;
  readonly metrics: ServiceMetrics;
  inFlight(): number;
  /** Drains (calls in flight may finish within `timeoutMs`), then closes the listener. */
  stop(timeoutMs: number): Promise<void>;
}

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_ADDRESSES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export async function startHttpService(options: HttpServiceOptions): Promise<RunningHttpService> {
  const { service, logger } = options;
  const settings = service.config.server;
  const loopback = isLoopbackHost(options.host);
  if (settings.auth === 'none' && !loopback) {
    throw new AppError('usage', `gic serve on ${options.host} needs authentication (--auth oauth with --oauth-issuer, or --auth trusted-header behind an Istio sidecar); without it, listen on loopback (--host 127.0.0.1)`);
  }
  if (settings.auth === 'oauth' && settings.oauth.issuer === undefined) throw new AppError('usage', '--auth oauth needs the token issuer: --oauth-issuer URL (or GIC_OAUTH_ISSUER)');

  const metrics = options.metrics ?? createServiceMetrics();
  // The app is built once the address is known (the OAuth resource names it); nothing connects before.
  const holder: { app?: Hono<GicEnv> } = {};
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: (request, env) => (holder.app === undefined ? new Response('starting', { status: 503 }) : holder.app.fetch(request, env)), port: options.port, hostname: options.host }, () => resolve(s as Server)) as Server;
    s.once('error', (error) => reject(new AppError('usage', `cannot listen on ${options.host}:${options.port}: ${error.message}`, { cause: error })));
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = (settings.publicUrl ?? `http://${shownHost}:${address.port}`).replace(/\/$/, '');

  let draining = false;
  let inFlight = 0;
  const counter = {
    enter: () => {
      inFlight++;
    },
    leave: () => {
      inFlight--;
    },
  };
  // While draining, new MCP requests on kept-alive connections go elsewhere (the Service retries them).
  const drainGuard: MiddlewareHandler<GicEnv> = async (c, next) => {
    if (draining) return c.json({ jsonrpc: '2.0', error: { code: -32000, message: 'shutting down: retry on another replica' }, id: null }, 503, { connection: 'close', 'retry-after': '1' });
    await next();
    return undefined;
  };

  const groupsClaim = service.config.access.claim.claim;
  let authenticate: MiddlewareHandler<GicEnv>;
  const publicApps: Hono<GicEnv>[] = [createHealthRoutes({ check: () => service.sources(), draining: () => draining }), createMetricsRoute({ ...metrics, registry: Registry.merge([metrics.registry, ...service.registries]) })];
  let authorize: AuthorizeTool | undefined;
  const refused = (reason: string): void => metrics.authFailures.inc({ reason });
  if (settings.auth === 'oauth') {
    const resource = `${url}/mcp`;
    const prm = resourceMetadataUrl(url);
    publicApps.push(createResourceMetadataRoutes({ resource, issuer: settings.oauth.issuer as string, scopes: settings.oauth.requiredScopes }));
    authenticate = oauthAuth({
      issuer: settings.oauth.issuer as string,
      ...(settings.oauth.jwksUrl !== undefined ? { jwksUrl: settings.oauth.jwksUrl } : {}),
      audience: settings.oauth.audience ?? resource,
      clockSkewSeconds: settings.oauth.clockSkewSeconds,
      requiredScopes: settings.oauth.requiredScopes,
      groupsClaim,
      resourceMetadataUrl: prm,
      logger: logger.child({ auth: 'oauth' }),
      onRefused: refused,
    });
  } else if (settings.auth === 'trusted-header') {
    authenticate = trustedHeaderAuth({ header: settings.trustedHeader.toLowerCase(), groupsClaim, onRefused: refused });
  } else {
    authenticate = loopbackAuth(localActor());
  }
  if (settings.auth !== 'none') {
    const deps = service.copilot.deps;
    authorize = createToolAuthorizer(settings, {
      cacheMs: settings.groupCacheMs,
      ...(deps.groups !== undefined
        ? {
            lookupGroups: async (user: string) => {
              try {
                const r = await accountGroups(deps, { account: user });
                return r.groups.flatMap((g) => [g.name, g.id]);
              } catch (error) {
                // An account in no group is a caller with no groups, not a failed lookup.
                if (AppError.isInstance(error) && error.code === 'not-found') return [];
                throw error;
              }
            },
          }
        : {}),
    });
  }

  const mcpServerOptions: McpServerOptions = {
    copilot: service.copilot,
    tools: service.tools,
    logger,
    version: options.version,
    callTimeoutMs: settings.callTimeoutMs,
    ...(authorize !== undefined ? { authorize } : {}),
    extend: (s) => extendMcpServer(s, service.copilot),
    observe: (o) => {
      metrics.toolCalls.inc({ tool: o.tool, outcome: o.outcome });
      metrics.toolSeconds.observe({ tool: o.tool }, o.seconds);
      if (o.decision !== undefined) metrics.decisions.inc({ decision: o.decision });
      const system = o.errorCode === undefined ? undefined : /^(gerrit|kube|cluster|model|store)-/.exec(o.errorCode)?.[1];
      if (system !== undefined) metrics.backendErrors.inc({ system: system === 'cluster' ? 'kube' : system, code: o.errorCode as string });
    },
  };
  const allowedHosts = [...(loopback ? LOOPBACK_HOSTS : []), ...settings.allowedHosts, ...(settings.publicUrl !== undefined ? [new URL(settings.publicUrl).hostname] : [])];
  const apps: Hono<GicEnv>[] = [];
  const limiter = settings.auth !== 'none' && settings.rateLimitPerMinute > 0 ? rateLimit({ perMinute: settings.rateLimitPerMinute, onLimited: () => metrics.authFailures.inc({ reason: 'rate-limited' }) }) : undefined;
  apps.push(createMcpRoute({ server: mcpServerOptions, inFlight: counter, before: limiter !== undefined ? [drainGuard, limiter] : [drainGuard] }), ...(options.apps ?? []));
  // The chat page and its API (docs/chat.md): the same catalog, the same per-tool authorization and rate limit.
  apps.push(
    createChatApiRoutes({ copilot: service.copilot, tools: service.tools, settings: service.config.chat, logger: logger.child({ surface: 'chat' }), allows: chatAccess(service.tools, authorize), ...(limiter !== undefined ? { before: [limiter] } : {}) }),
    createWebPageRoutes(),
  );
  const routeOf = (path: string): string => (path === '/mcp' || path === '/healthz' || path === '/readyz' || path === '/metrics' ? path : path.startsWith('/.well-known/') ? '/.well-known' : 'other');
  const counted: MiddlewareHandler<GicEnv> = async (c, next) => {
    await next();
    metrics.httpRequests.inc({ route: routeOf(c.req.path), status: String(c.res.status) });
  };
  holder.app = createHttpApp({
    requestMiddleware: [counted],
    logger,
    hostGuard: hostGuard({ allowedHosts, ...(settings.allowedOrigins !== undefined ? { allowedOrigins: settings.allowedOrigins } : {}), onRefused: (reason) => metrics.authFailures.inc({ reason: `dns-rebinding-${reason}` }) }),
    maxBodyBytes: settings.maxBodyBytes,
    publicApps: [...publicApps, ...(options.publicApps ?? [])],
    authenticate,
    apps,
  });
  server.requestTimeout = 300_000;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return {
    address,
    url,
    authMode: settings.auth,
    metrics,
    inFlight: () => inFlight,
    stop: async (timeoutMs) => {
      draining = true;
      let closed = false;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      void done.then(() => (closed = true));
      // Connections close as their responses finish (a streamed answer is not idle until its last byte).
      const deadline = Date.now() + timeoutMs;
      while (!closed && Date.now() < deadline) {
        server.closeIdleConnections();
        await Promise.race([done, new Promise<void>((resolve) => setTimeout(resolve, 50).unref())]);
      }
      if (!closed) {
        logger.warn('calls still in flight at the drain deadline; closing', { inFlight });
        server.closeAllConnections();
      }
      await done;
    },
  };
}
