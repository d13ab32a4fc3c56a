// OAuth 2.1 resource-server authentication for /mcp (MCP authorization spec, docs/mcp.md "Auth"):
// a bearer JWT in the Authorization header, verified with jose against the issuer's JWKS (from
// `jwksUrl`, else the issuer's OIDC discovery document): signature, issuer, audience (this resource),
// expiry and not-before with a clock skew, and the required scopes. A missing or refused token is a 401
// with `WWW-Authenticate` naming the Protected Resource Metadata; missing scopes a 403. The token is
// never passed on to Gerrit or anywhere else: only the caller (user, groups) derived from it is.
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { MiddlewareHandler } from 'hono';

import type { Logger } from '../log.js';
import { challengeResponse } from './bearer-challenge.js';
import { callerFromClaims } from './caller-from-claims.js';
import type { GicEnv } from './http-env.js';

export interface OAuthOptions {
  readonly issuer: string;
  /** Absent: `jwks_uri` of `<issuer>/.well-known/openid-configuration`. */
  readonly jwksUrl?: string;
  /** Expected `aud` (the resource, `<publicUrl>/mcp`, unless configured otherwise). */
  readonly audience: string;
  readonly clockSkewSeconds: number;
  readonly requiredScopes: readonly string[];
  readonly groupsClaim: string;
  readonly resourceMetadataUrl: string;
  readonly logger: Logger;
  readonly onRefused?: (reason: string) => void;
  /** Injected for tests; default: global fetch. */
  readonly fetch?: typeof fetch;
}

/** Finds the JWKS URL from the issuer's discovery document (once; retried after a failure). */
async function discoverJwksUrl(issuer: string, fetchImpl: typeof fetch): Promise<string> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetchImpl(url, { signal: AbortSignal.timeout(10_000), redirect: 'error' });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const doc = (await response.json()) as { jwks_uri?: unknown; issuer?: unknown };
  if (typeof doc.jwks_uri !== 'string') throw new Error(`${url} names no jwks_uri`);
  return doc.jwks_uri;
}

function reasonOf(error: unknown): { reason: string; description: string } {
  if (error instanceof joseErrors.JWTExpired) return { reason: 'expired', description: 'the token has expired' };
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return { reason: 'audience', description: 'the token is not meant for this resource (aud)' };
    if (error.claim === 'iss') return { reason: 'issuer', description: 'the token comes from another issuer (iss)' };
    if (error.claim === 'nbf') return { reason: 'not-yet-valid', description: 'the token is not valid yet (nbf)' };
    return { reason: 'claims', description: `the token's ${error.claim} claim is not acceptable` };
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return { reason: 'signature', description: 'the token signature does not verify' };
  if (error instanceof joseErrors.JWKSNoMatchingKey) return { reason: 'signature', description: "no key of the issuer's JWKS matches the token" };
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) return { reason: 'malformed', description: 'the token is not a well-formed JWT' };
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) return { reason: 'algorithm', description: 'the token uses an algorithm that is not accepted' };
  return { reason: 'unverifiable', description: 'the token could not be verified' };
}

export function oauthAuth(options: OAuthOptions): MiddlewareHandler<GicEnv> {
  const fetchImpl = options.fetch ?? fetch;
  let keys: JWTVerifyGetKey | undefined;
  const getKeys = async (): Promise<JWTVerifyGetKey> => {
    if (keys !== undefined) return keys;
    const url = options.jwksUrl ?? (await discoverJwksUrl(options.issuer, fetchImpl));
    keys = createRemoteJWKSet(new URL(url), { timeoutDuration: 10_000, cooldownDuration: 30_000 });
    return keys;
  };
  const refuse = (reason: string, description?: string): Response => {
    options.onRefused?.(reason);
    return challengeResponse({ status: 401, ...(description !== undefined ? { error: 'invalid_token' as const, description } : {}) }, options.resourceMetadataUrl);
  };
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined || header.trim() === '') return refuse('missing');
    const match = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
    if (match === null) return refuse('malformed', 'the Authorization header must be "Bearer <token>"');
    let getKey: JWTVerifyGetKey;
    try {
      getKey = await getKeys();
    } catch (error) {
      options.logger.error('cannot reach the OAuth issuer for its keys', { issuer: options.issuer, error });
      options.onRefused?.('issuer-unreachable');
      return c.json({ jsonrpc: '2.0', error: { code: -32603, message: 'the token issuer cannot be reached to verify tokens; try again later' }, id: null }, 503);
    }
    let claims: Record<string, unknown>;
    try {
      const verified = await jwtVerify(match[1] as string, getKey, {
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: options.clockSkewSeconds,
        requiredClaims: ['exp'],
      });
      claims = verified.payload as Record<string, unknown>;
    } catch (error) {
      const { reason, description } = reasonOf(error);
      if (reason === 'unverifiable') options.logger.warn('token verification failed', { error });
      return refuse(reason, description);
    }
    if (options.requiredScopes.length > 0) {
      const granted = new Set(typeof claims['scope'] === 'string' ? claims['scope'].split(' ') : []);
      const missing = options.requiredScopes.filter((s) => !granted.has(s));
      if (missing.length > 0) {
        options.onRefused?.('scope');
        return challengeResponse({ status: 403, error: 'insufficient_scope', description: `the token lacks the scope ${missing.join(' ')}`, scope: options.requiredScopes.join(' ') }, options.resourceMetadataUrl);
      }
    }
    const caller = callerFromClaims(claims, { groupsClaim: options.groupsClaim }, 'jwt');
    if (caller === undefined) return refuse('no-subject', 'the token names no user (sub or preferred_username)');
    c.set('caller', caller);
    await next();
    return undefined;
  };
}
