// Liveness and readiness (docs/cli.md "The service"): /healthz is 200 while the process serves (and
// 503 once it is shutting down, so the Service stops sending new work); /readyz is 200 once the mesh and
// Gerrit sources are loaded (a cluster's informers synced), else 503 with what is missing.
import { Hono } from 'hono';

import type { GicEnv } from './http-env.js';

export interface Readiness {
  /** Each source by name: ready or not, with a detail. */
  check(): readonly { readonly name: string; readonly ready: boolean; readonly detail: string }[];
  /** True once SIGTERM arrived. */
  draining(): boolean;
}

export function createHealthRoutes(readiness: Readiness): Hono<GicEnv> {
  const app = new Hono<GicEnv>();
  app.get('/healthz', (c) => (readiness.draining() ? c.json({ status: 'draining' }, 503) : c.json({ status: 'ok' })));
  app.get('/readyz', (c) => {
    const checks = readiness.check();
    const ready = !readiness.draining() && checks.every((x) => x.ready);
    return c.json({ status: ready ? 'ready' : 'not ready', draining: readiness.draining(), checks }, ready ? 200 : 503);
  });
  return app;
}
