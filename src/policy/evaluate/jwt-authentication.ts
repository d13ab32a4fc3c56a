// RequestAuthentication at one proxy (pilot/pkg/security/authn/policy_applier.go + Envoy jwt_authn):
// the jwtRules of every RequestAuthentication that applies are merged; a token found at a configured
// location must come from a configured issuer and carry an allowed audience, else 401; a token
// elsewhere, or no token, leaves the request without JWT attributes. Audiences are compared as
// jwt_verify_lib's CheckAudience does (an http:// or https:// prefix and one trailing slash ignored on
// both sides). Claims `scope`, `permission` and each rule's `spaceDelimitedClaims` are split on spaces,
// as Envoy normalizes the payload (authenticator.cc setPayloadMetadata: ' ' only, empty parts skipped).
import type { JwtClaims } from './access-request.js';
import type { JwtRule } from '../resources/request-authentication.js';
import type { RequestAuthentication } from '../resources/mesh.js';

export interface MergedJwtRule {
  readonly policy: string;
  readonly rule: JwtRule;
  /** Lower-cased header names the rule reads tokens from. */
  readonly headers: readonly string[];
  readonly params: readonly string[];
  readonly cookies: readonly string[];
}

export function mergeJwtRules(policies: readonly RequestAuthentication[]): MergedJwtRule[] {
  const out: MergedJwtRule[] = [];
  for (const p of policies) {
    for (const rule of p.spec.jwtRules ?? []) {
      if (rule === null || rule === undefined) continue;
      const custom = (rule.fromHeaders?.length ?? 0) + (rule.fromParams?.length ?? 0) + (rule.fromCookies?.length ?? 0) > 0;
      out.push({
        policy: `${p.namespace}/${p.name}`,
        rule,
        headers: custom ? (rule.fromHeaders ?? []).map((h) => h.name.toLowerCase()) : ['authorization'],
        params: custom ? (rule.fromParams ?? []) : ['access_token'],
        cookies: custom ? (rule.fromCookies ?? []) : [],
      });
    }
  }
  return out;
}

export type JwtOutcome =
  | { readonly kind: 'none'; readonly message: string }
  | { readonly kind: 'invalid'; readonly policy: string; readonly message: string }
  | { readonly kind: 'valid'; readonly policy: string; readonly payload: Readonly<Record<string, unknown>>; readonly message: string };

const ALWAYS_SPLIT = ['scope', 'permission'];
const LOCATION_KEYS = new Set(['header', 'param', 'claims']);

/** The payload Envoy would expose for a verified token described by `jwt`. */
function payloadOf(jwt: JwtClaims, split: readonly string[]): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(jwt)) if (!LOCATION_KEYS.has(k) && v !== undefined) payload[k] = v;
  for (const [k, v] of Object.entries(jwt.claims ?? {})) if (!(k in payload)) payload[k] = v;
  for (const k of split) {
    const v = payload[k];
    if (typeof v !== 'string') continue;
    const parts = v.split(' ').filter((s) => s !== '');
    // A claim with no part left keeps its string value: Envoy only rewrites it when it adds an element.
    if (parts.length > 0) payload[k] = parts;
  }
  return payload;
}

/** jwt_verify_lib CheckAudience: `https://a/` and `a` are the same audience. */
export function sanitizeAudience(aud: string): string {
  if (aud === '') return aud;
  let s = aud.startsWith('http://') ? aud.slice('http://'.length) : aud.startsWith('https://') ? aud.slice('https://'.length) : aud;
  if (s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

function audienceAllowed(configured: readonly string[] | undefined, token: readonly string[]): boolean {
  if (configured === undefined || configured.length === 0) return true;
  const allowed = new Set(configured.map(sanitizeAudience));
  return token.some((a) => allowed.has(sanitizeAudience(a)));
}

function audiencesOf(jwt: JwtClaims): string[] {
  const aud = jwt.aud ?? (jwt.claims?.['aud'] as unknown);
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

// Outcomes that depend on nothing but their case: shared (immutable) values.
const NO_RULES_NO_TOKEN: JwtOutcome = Object.freeze({ kind: 'none', message: 'no RequestAuthentication applies and no token was sent' });
const NO_RULES: JwtOutcome = Object.freeze({ kind: 'none', message: 'no RequestAuthentication applies: the token is not inspected and no JWT attributes exist' });
const NO_TOKEN: JwtOutcome = Object.freeze({ kind: 'none', message: 'no token: the request continues without a request principal' });

export function authenticateJwt(rules: readonly MergedJwtRule[], jwt: JwtClaims | 'invalid' | undefined): JwtOutcome {
  if (rules.length === 0) return jwt === undefined ? NO_RULES_NO_TOKEN : NO_RULES;
  if (jwt === undefined) return NO_TOKEN;
  const param = jwt === 'invalid' ? undefined : jwt.param;
  const header = (jwt === 'invalid' ? undefined : jwt.header)?.toLowerCase() ?? (param === undefined ? 'authorization' : undefined);
  const located = rules.filter((r) => (header !== undefined && r.headers.includes(header)) || (param !== undefined && r.params.includes(param)));
  const where = header !== undefined ? `header ${header}` : `query parameter ${param ?? ''}`;
  if (located.length === 0) {
    return { kind: 'none', message: `the token in ${where} is not at a location any jwtRule reads: treated as missing` };
  }
  const first = located[0] as MergedJwtRule;
  if (jwt === 'invalid') return { kind: 'invalid', policy: first.policy, message: `token in ${where} fails verification: 401` };
  const iss = typeof jwt.iss === 'string' ? jwt.iss : undefined;
  const byIssuer = located.filter((r) => r.rule.issuer === undefined || r.rule.issuer === '' || r.rule.issuer === iss);
  if (byIssuer.length === 0) {
    return { kind: 'invalid', policy: first.policy, message: `Jwt issuer is not configured: ${JSON.stringify(iss ?? '')} is not an issuer of the jwtRules reading ${where} (401)` };
  }
  const aud = audiencesOf(jwt);
  const accepted = byIssuer.filter((r) => audienceAllowed(r.rule.audiences, aud));
  if (accepted.length === 0) {
    const r = byIssuer[0] as MergedJwtRule;
    return { kind: 'invalid', policy: r.policy, message: `Audiences in Jwt are not allowed: ${JSON.stringify(aud)} not in ${JSON.stringify(r.rule.audiences ?? [])} (401)` };
  }
  const chosen = accepted[0] as MergedJwtRule;
  const split = [...ALWAYS_SPLIT, ...(chosen.rule.spaceDelimitedClaims ?? [])];
  const payload = payloadOf(jwt, split);
  const sub = typeof payload['sub'] === 'string' ? (payload['sub'] as string) : undefined;
  return {
    kind: 'valid',
    policy: chosen.policy,
    payload,
    message: `token verified by ${chosen.policy} (issuer ${JSON.stringify(iss ?? '')})${sub !== undefined && iss !== undefined ? `: request principal ${iss}/${sub}` : ': no request principal (iss or sub missing)'}`,
  };
}
