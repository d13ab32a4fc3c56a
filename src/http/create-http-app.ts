// The HTTP app factory (docs/cli.md "The service"): one Hono app on one port. Order of the layers:
// request id, a server span with the caller's trace context (trace-requests.ts), request size limit, then the public sub-apps (health, metrics, OAuth metadata, the Gerrit
// webhook with its own shared-secret auth; probes and scrapers address the pod by IP), then the
// DNS-rebinding guard (Host and Origin allow-lists), the authentication middleware that sets `caller`,
// and the protected sub-apps (/mcp, /api, the chat page). Other surfaces export a factory returning a `Hono<GicEnv>` sub-app; the serve composition root
// passes it here and it is mounted with `app.route('/', subApp)`.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

import type { Logger } from '../log.js';
import type { GicEnv } from './http-env.js';
import { requestIdMiddleware } from './request-id.js';
import { traceRequests } from './trace-requests.js';

export interface HttpAppOptions {
  readonly logger: Logger;
  /** Run first on every request (request metrics). */
  readonly requestMiddleware?: readonly MiddlewareHandler<GicEnv>[];
  /** Host/Origin guard (dns-rebinding-guard.ts); absent: none. */
  readonly hostGuard?: MiddlewareHandler<GicEnv>;
  /** Largest request body in bytes (default 1 MiB); larger bodies get 413. */
  readonly maxBodyBytes?: number;
  /** Mounted before authentication: health, metrics, RFC 9728 metadata, webhooks with their own auth. */
  readonly publicApps?: readonly Hono<GicEnv>[];
  /** Sets `caller` or answers 401/403 itself. */
  readonly authenticate: MiddlewareHandler<GicEnv>;
  /** Mounted behind authentication: /mcp, /api, the chat page. */
  readonly apps?: readonly Hono<GicEnv>[];
}

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function createHttpApp(options: HttpAppOptions): Hono<GicEnv> {
  const app = new Hono<GicEnv>();
  app.use('*', requestIdMiddleware());
  app.use('*', traceRequests());
  for (const m of options.requestMiddleware ?? []) app.use('*', m);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const tooLarge = (c: Context<GicEnv>): Response => c.json({ jsonrpc: '2.0', error: { code: -32600, message: `request body over the limit of ${limit} bytes` }, id: null }, 413);
  const counting = bodyLimit({ maxSize: limit, onError: tooLarge });
  app.use('*', async (c, next) => {
    // A declared length is enforced by Node's parser: decide on it without wrapping the body stream.
    const declared = c.req.header('content-length');
    if (declared !== undefined && /^\d+$/.test(declared) && c.req.header('transfer-encoding') === undefined) {
      if (Number(declared) > limit) return tooLarge(c);
      await next();
      return undefined;
    }
    return counting(c, next);
  });
  for (const sub of options.publicApps ?? []) app.route('/', sub);
  if (options.hostGuard !== undefined) app.use('*', options.hostGuard);
  app.use('*', options.authenticate);
  for (const sub of options.apps ?? []) app.route('/', sub);
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    options.logger.error('request failed', { error, path: c.req.path, requestId: c.get('requestId') });
    return c.json({ error: 'internal error (logged on the server)', requestId: c.get('requestId') }, 500);
  });
  return app;
}
