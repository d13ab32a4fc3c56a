// Request ids: the caller's `x-request-id` when it is a short visible token, else a fresh UUID; stored
// as `requestId` in the Hono context and echoed on the response, so logs and audit entries join up.
import { randomUUID } from 'node:crypto';

import type { MiddlewareHandler } from 'hono';

import type { GicEnv } from './http-env.js';

const USABLE = /^[\w.:-]{1,128}$/;

export function requestIdMiddleware(): MiddlewareHandler<GicEnv> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given !== undefined && USABLE.test(given) ? given : randomUUID();
    c.set('requestId', id);
    c.header('x-request-id', id);
    await next();
  };
}
