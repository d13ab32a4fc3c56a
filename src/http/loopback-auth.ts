// No authentication, for the embedded default on loopback (docs/cli.md "The service"): every request is
// the local user (`local:<os user>`), with no Gerrit groups; per-tool authorization treats the local
// user as allowed everything, as the CLI does. The serve composition root uses it only when the server
// listens on a loopback address and no OAuth issuer or trusted-header mode is configured.
import type { MiddlewareHandler } from 'hono';

import type { GicEnv } from './http-env.js';

export function loopbackAuth(actor: string): MiddlewareHandler<GicEnv> {
  const caller = { actor, groups: [] as readonly string[], via: 'loopback' as const };
  return async (c, next) => {
    c.set('caller', caller);
    await next();
  };
}
