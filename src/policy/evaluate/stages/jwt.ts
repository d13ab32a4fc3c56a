// JWT (RequestAuthentication), after CUSTOM and before AUTHZ, on HTTP filter chains only (jwt_authn;
// jwt-authentication.ts holds the semantics): a token that fails verification is rejected (401); a
// verified one gives the later stages its payload. The hot form `jwtOutcome` authenticates; the traced
// form `traceJwt` describes that same outcome.
import type { JwtClaims } from '../access-request.js';
import { authenticateJwt, type JwtOutcome, type MergedJwtRule } from '../jwt-authentication.js';
import type { RequestAttributes } from '../request-attributes.js';
import type { StageResult } from './stage-result.js';

/** Hot: the outcome on an HTTP filter chain; undefined on TCP, where RequestAuthentication does not apply. */
export function jwtOutcome(http: boolean, rules: readonly MergedJwtRule[], jwt: JwtClaims | 'invalid' | undefined): JwtOutcome | undefined {
  return http ? authenticateJwt(rules, jwt) : undefined;
}

/** The 401 of a token that failed (`outcome.kind` `invalid`). */
export function jwtRejected(outcome: JwtOutcome & { readonly kind: 'invalid' }): StageResult {
  return { decision: 'UNAUTHENTICATED', reasons: [{ policy: `RequestAuthentication ${outcome.policy}`, action: 'JWT', message: outcome.message }] };
}

/** The attributes the later stages see: with the payload of a verified token. */
export function withJwt(a: RequestAttributes, outcome: JwtOutcome | undefined): RequestAttributes {
  return outcome !== undefined && outcome.kind === 'valid' ? { ...a, jwt: outcome.payload } : a;
}

/** Traced: the JWT stage whose hot outcome is `outcome`. */
export function traceJwt(trace: string[], rules: readonly MergedJwtRule[], outcome: JwtOutcome | undefined): void {
  if (outcome !== undefined) trace.push(`JWT: ${outcome.message}`);
  else if (rules.length > 0) trace.push('JWT: RequestAuthentication does not apply to a TCP filter chain');
}
