// Per-identity rate limits for /mcp: a token bucket per caller actor (refilled continuously, `perMinute`
// calls a minute, bursts up to the same number). Over the limit: 429 with Retry-After. Buckets of idle
// callers are dropped, so memory stays bounded by the callers of the last few minutes.
import type { MiddlewareHandler } from 'hono';

import type { GicEnv } from './http-env.js';

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateLimitOptions {
  readonly perMinute: number;
  readonly now?: () => number;
  readonly onLimited?: (actor: string) => void;
  /** Most identities tracked at once (default 100,000). */
  readonly maxIdentities?: number;
}

export function rateLimit(options: RateLimitOptions): MiddlewareHandler<GicEnv> {
  const now = options.now ?? (() => performance.now());
  const perMs = options.perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  const max = options.maxIdentities ?? 100_000;
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const actor = c.get('caller').actor;
    const t = now();
    let bucket = buckets.get(actor);
    if (bucket === undefined) {
      if (buckets.size >= max) {
        // Drop the buckets that are full again (idle callers); they would start full anyway.
        for (const [key, b] of buckets) if (b.tokens + (t - b.at) * perMs >= options.perMinute) buckets.delete(key);
      }
      bucket = { tokens: options.perMinute, at: t };
      buckets.set(actor, bucket);
    }
    bucket.tokens = Math.min(options.perMinute, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
    if (bucket.tokens < 1) {
      options.onLimited?.(actor);
      const retry = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
      return c.json({ jsonrpc: '2.0', error: { code: -32000, message: `rate limit: at most ${options.perMinute} calls a minute per caller; retry in ${retry} s` }, id: null }, 429, { 'retry-after': String(retry) });
    }
    bucket.tokens -= 1;
    await next();
    return undefined;
  };
}
