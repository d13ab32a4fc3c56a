// The HTTP app factory (docs/cli.md "The service"): one Hono app on one port. Order of the layers:
// request id, a server span with the caller's trace context (trace-requests.ts), DNS-rebinding guard (Host and Origin allow-lists), request size limit, then the public
// sub-apps (health, metrics, OAuth metadata, the Gerrit webhook with its own shared-secret auth), then
// the authentication middleware that sets `caller`, then the protected sub-apps (/mcp, /api, the chat
// page). Other surfaces export a factory returning a `Hono<GicEnv>` sub-app; the serve composition root
// passes it here and it is mounted with `app.route('/', subApp)`.
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

import type { Logger } from '../log.js';
import type { GicEnv } from './http-env.js';
import { requestIdMiddleware } from './request-id.js';
import { traceRequests } from './trace-requests.js';

export interface HttpAppOptions {
  readonly logger: Logger;
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
  if (options.hostGuard !== undefined) app.use('*', options.hostGuard);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  app.use(
    '*',
    bodyLimit({
      maxSize: limit,
      onError: (c) => c.json({ jsonrpc: '2.0', error: { code: -32600, message: `request body over the limit of ${limit} bytes` }, id: null }, 413),
    }),
  );
  for (const sub of options.publicApps ?? []) app.route('/', sub);
  app.use('*', options.authenticate);
  for (const sub of options.apps ?? []) app.route('/', sub);
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    options.logger.error('request failed', { error, path: c.req.path, requestId: c.get('requestId') });
    return c.json({ error: 'internal error (logged on the server)', requestId: c.get('requestId') }, 500);
  });
  return app;
}
