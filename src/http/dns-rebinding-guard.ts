// DNS-rebinding protection (MCP 2025-11-25 transports: "servers MUST validate Origin"; an invalid Origin
// is 403): the Host header's name must be one the service is reached by (loopback names when it listens
// on loopback; the configured names, e.g. the Service's DNS names, otherwise), and an Origin, when a
// browser sends one, must be an allowed origin. Compared case-insensitively, hosts without their port.
import type { MiddlewareHandler } from 'hono';

import type { GicEnv } from './http-env.js';

export interface HostGuardOptions {
  /** Host names (no port) the service may be addressed by; `*` allows any (not recommended). */
  readonly allowedHosts: readonly string[];
  /** Allowed origins (`scheme://host[:port]`); absent: the allowed hosts on http and https, any port. */
  readonly allowedOrigins?: readonly string[];
  readonly onRefused?: (reason: 'host' | 'origin') => void;
}

export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]', '::1'];

/** The host name of a Host header value (`example.com:8080` -> `example.com`, `[::1]:80` -> `[::1]`). */
export function hostName(header: string): string | undefined {
  try {
    return new URL(`http://${header}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function forbidden(message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }), { status: 403, headers: { 'content-type': 'application/json' } });
}

export function hostGuard(options: HostGuardOptions): MiddlewareHandler<GicEnv> {
  const any = options.allowedHosts.includes('*');
  const hosts = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
  const origins = options.allowedOrigins === undefined ? undefined : new Set(options.allowedOrigins.map((o) => o.toLowerCase().replace(/\/$/, '')));
  return async (c, next) => {
    const host = c.req.header('host');
    const name = host === undefined ? undefined : hostName(host);
    if (!any && (name === undefined || !hosts.has(name))) {
      options.onRefused?.('host');
      return forbidden(`Forbidden: Host "${host ?? ''}" is not a name this server answers to (DNS-rebinding protection)`);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== 'null') {
      let ok: boolean;
      try {
        const url = new URL(origin);
        ok = origins !== undefined ? origins.has(url.origin.toLowerCase()) : (url.protocol === 'http:' || url.protocol === 'https:') && (any || hosts.has(url.hostname.toLowerCase()));
      } catch {
        ok = false;
      }
      if (!ok) {
        options.onRefused?.('origin');
        return forbidden(`Forbidden: Origin "${origin}" is not allowed (DNS-rebinding protection)`);
      }
    } else if (origin === 'null') {
      options.onRefused?.('origin');
      return forbidden('Forbidden: an opaque Origin ("null") is not allowed (DNS-rebinding protection)');
    }
    await next();
    return undefined;
  };
}
