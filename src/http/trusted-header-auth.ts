// Trusted-header authentication, for deployments where Istio has already validated the token
// (docs/mcp.md "Auth", deploy/base/copilot-mesh-policies.yaml): the sidecar's RequestAuthentication
// writes the verified JWT payload into a header (`outputPayloadToHeader`, base64url JSON) and an
// AuthorizationPolicy requires a request principal on /mcp, so every request that reaches gic carries a
// payload Envoy verified and wrote itself. gic accepts the header only on connections from the local
// sidecar (a loopback peer address; Istio's inbound passthrough connects from 127.0.0.6): from anywhere
// else it is refused, never trusted.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';

import { challengeResponse } from './bearer-challenge.js';
import { callerFromClaims } from './caller-from-claims.js';
import type { GicEnv } from './http-env.js';

export interface TrustedHeaderOptions {
  /** Lower-case header name, e.g. `x-gic-jwt-payload`. */
  readonly header: string;
  readonly groupsClaim: string;
  readonly onRefused?: (reason: string) => void;
  /** The peer address of the connection (default: the Node socket's); injected for tests. */
  readonly peerAddress?: (c: Parameters<MiddlewareHandler<GicEnv>>[0]) => string | undefined;
}

/** 127.0.0.0/8, ::1 and IPv4-mapped loopback: the local sidecar. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.toLowerCase();
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

function decodePayload(value: string): Record<string, unknown> | undefined {
  if (value.length > 64 * 1024 || !/^[A-Za-z0-9_\-+/]+=*$/.test(value)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, value.includes('+') || value.includes('/') ? 'base64' : 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function trustedHeaderAuth(options: TrustedHeaderOptions): MiddlewareHandler<GicEnv> {
  const peerOf = options.peerAddress ?? ((c) => getConnInfo(c).remote.address);
  return async (c, next) => {
    const peer = peerOf(c);
    if (!isLoopbackAddress(peer)) {
      options.onRefused?.('not-from-sidecar');
      return challengeResponse({ status: 401, error: 'invalid_request', description: 'this server accepts callers only through its Istio sidecar' }, undefined);
    }
    const value = c.req.header(options.header);
    if (value === undefined) {
      options.onRefused?.('missing');
      return challengeResponse({ status: 401, error: 'invalid_request', description: `no verified token: the sidecar forwarded no ${options.header} header` }, undefined);
    }
    const claims = decodePayload(value.trim());
    const caller = claims === undefined ? undefined : callerFromClaims(claims, { groupsClaim: options.groupsClaim }, 'trusted-header');
    if (caller === undefined) {
      options.onRefused?.('malformed');
      return challengeResponse({ status: 401, error: 'invalid_token', description: `the ${options.header} header holds no usable token payload` }, undefined);
    }
    c.set('caller', caller);
    await next();
    return undefined;
  };
}
