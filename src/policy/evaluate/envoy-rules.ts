// AuthorizationPolicy rules -> predicates, exactly as istiod translates them to Envoy RBAC
// (pilot/pkg/security/authz/model: model.go, generator.go; matcher/*): one predicate per rule for a
// given action and filter chain (HTTP or TCP). On TCP an HTTP-only field makes an ALLOW rule vanish,
// and is dropped from DENY/AUDIT/CUSTOM rules (`checkError`). Trust-domain aliases are expanded here.
// Compile time only: the returned predicates allocate nothing when called.
import type { AuthorizationPolicy } from '../resources/mesh.js';
import type { Rule } from '../resources/authorization-policy.js';
import { parseCidr } from './ip-matcher.js';
import { containsPathTemplate, pathTemplate } from './path-template.js';
import { and, claim, evalPred, FALSE, guardedRegex, ip, K, kindsOf, not, on, or, port, type Pred, requestPrincipal, str, T, TRUE } from './predicate.js';
import type { RequestAttributes } from './request-attributes.js';
import { type RuleGuard, ruleGuard } from './rule-guard.js';
import { headerString, istioString, quoteMeta, regex } from './string-matcher.js';
import type { TrustDomainBundle } from './trust-domain.js';

export type RbacAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

export interface CompiledRule {
  /** Index in `spec.rules`. */
  readonly index: number;
  readonly match: Pred;
  /** The only destination ports the rule can match (every `to` entry lists `ports`); null: any. */
  readonly ports: readonly number[] | null;
  /** Compile-time remarks for the trace (fields dropped on TCP, attributes that never exist...). */
  readonly notes: readonly string[];
  /** What a request must have for `match` to hold (rule-guard.ts): lets a rule scan skip the rule. */
  readonly guard: RuleGuard;
  /** The kinds of node `match` has (predicate.ts `kindsOf`). */
  readonly kinds: number;
  /** `match` specialized to destination ports, built on first use (rule-entries.ts); unused without PORT nodes. */
  byPort: Map<number, Pred> | undefined;
  /** HTTP form: the rule uses no HTTP-only attribute, so it is the same on a TCP filter chain. */
  readonly sameOnTcp: boolean;
}

export interface CompiledRuleSet {
  readonly rules: readonly CompiledRule[];
  /** Rules that produce no Envoy policy, with the reason. */
  readonly skipped: readonly { readonly index: number; readonly reason: string }[];
}

/** Why istiod skips a rule. Not an Error: thrown often at compile time, it needs no stack trace. */
class RuleError {
  constructor(readonly message: string) {}
}

interface GenContext {
  readonly forTCP: boolean;
  readonly policyNamespace: string;
  readonly notes: string[];
  /** Set (HTTP only) when a generator that fails on TCP ran: the rule's TCP form differs. */
  httpOnly: boolean;
}

/** HTTP: notes that the rule uses an attribute a TCP filter chain does not have. */
function usesHttpOnly(ctx: GenContext): void {
  ctx.httpOnly = true;
}

const HTTP_ONLY = (key: string): string => `"${key}" is HTTP only`;

/** One value of a simple (per-value) generator: a predicate or an error message. */
type SimpleGenerator = (value: string, ctx: GenContext) => Pred | string;
/** An extended generator handles the whole value list at once. */
type ExtendedGenerator = (values: readonly string[], ctx: GenContext) => Pred | string;

// ---- principal side (source identity, IPs, headers, JWT) ----

const genSourcePrincipal: SimpleGenerator = (v) => on(K.PEER_URI, istioString(v, 'spiffe://'));

const genSourceNamespace: SimpleGenerator = (v) => {
  if (!v.includes('*')) return on(K.PEER_URI, str(T.CONTAINS, `/ns/${v}/`));
  const parts = v.split('*');
  const longest = parts.reduce((a, b) => (b.length > a.length ? b : a), '');
  return on(K.PEER_URI, guardedRegex(`.*/ns/${parts.map(quoteMeta).join('.*')}/.*`, '/ns/', longest));
};

const genServiceAccount: SimpleGenerator = (v, ctx) => {
  const slash = v.indexOf('/');
  const ns = slash >= 0 ? v.slice(0, slash) : ctx.policyNamespace;
  const sa = slash >= 0 ? v.slice(slash + 1) : v;
  return on(K.PEER_URI, guardedRegex(`spiffe://.+/ns/${quoteMeta(ns)}/(.+/|)sa/${quoteMeta(sa)}(/.+)?`, `/ns/${ns}/`, `sa/${sa}`));
};

const genTrustDomain: SimpleGenerator = (v) => {
  if (v === '*') return on(K.PEER_URI, str(T.PREFIX, 'spiffe://'));
  if (!v.includes('*')) return on(K.PEER_URI, str(T.PREFIX, `spiffe://${v}/`));
  const star = v.indexOf('*');
  return on(K.PEER_URI, regex(`spiffe://${quoteMeta(v.slice(0, star))}[^/]*${quoteMeta(v.slice(star + 1))}/.*`));
};

function ipGenerator(kind: typeof K.SOURCE_IP | typeof K.REMOTE_IP | typeof K.DESTINATION_IP): SimpleGenerator {
  return (v) => {
    const range = parseCidr(v);
    if (range === undefined) return `invalid IP or CIDR ${JSON.stringify(v)}`;
    return ip(kind, range);
  };
}
const genSourceIp = ipGenerator(K.SOURCE_IP);
const genRemoteIp = ipGenerator(K.REMOTE_IP);
const genDestinationIp = ipGenerator(K.DESTINATION_IP);

function bracketName(rest: string): string | undefined {
  if (!rest.startsWith('[') || !rest.endsWith(']')) return undefined;
  return rest.slice(1, -1);
}

/** `extractNameInNestedBrackets`: `[a][b]` -> [a, b]; `[a.b]` -> [a.b]. */
function nestedBracketNames(s: string): string[] | undefined {
  const claims: string[] = [];
  let begin = 0;
  while (begin < s.length) {
    let end = -1;
    if (s[begin] === '[') {
      for (let i = begin + 1; i < s.length; i++) {
        if (s[i] === '[') break;
        if (s[i] === ']') {
          end = i;
          break;
        }
      }
    }
    if (end === -1) {
      const single = bracketName(s);
      return single === undefined ? undefined : [single];
    }
    claims.push(s.slice(begin + 1, end));
    begin = end + 1;
  }
  return claims;
}

function genHeader(key: string): SimpleGenerator {
  return (v, ctx) => {
    if (ctx.forTCP) return HTTP_ONLY(key);
    usesHttpOnly(ctx);
    const name = bracketName(key.slice('request.headers'.length));
    if (name === undefined) return `expecting format [<NAME>], but found ${key}`;
    return on(K.HEADER, headerString(v, false), name.toLowerCase());
  };
}

function genClaims(key: string): ExtendedGenerator {
  return (values, ctx) => {
    if (ctx.forTCP) return HTTP_ONLY(key);
    usesHttpOnly(ctx);
    const path = nestedBracketNames(key.slice('request.auth.claims'.length));
    if (path === undefined) return `expecting format [<NAME>], but found ${key}`;
    return claim(path, values.map((v) => istioString(v)));
  };
}

const genAudiences: ExtendedGenerator = (values, ctx) => (ctx.forTCP ? HTTP_ONLY('request.auth.audiences') : (usesHttpOnly(ctx), claim(['aud'], values.map((v) => istioString(v)))));
const genPresenter: ExtendedGenerator = (values, ctx) => (ctx.forTCP ? HTTP_ONLY('request.auth.presenter') : (usesHttpOnly(ctx), claim(['azp'], values.map((v) => istioString(v)))));

const matchAny = (): Pred => str(T.NON_EMPTY);

/** `requestPrincipalGenerator`: split at the last `/`, iss and sub matched separately. */
export function requestPrincipalMatcher(value: string): Pred {
  const idx = value.lastIndexOf('/');
  const found = idx >= 0;
  const iss = found ? value.slice(0, idx) : value;
  const sub = found ? value.slice(idx + 1) : '';
  if (value === '*') return requestPrincipal(matchAny(), matchAny());
  if (value.startsWith('*')) {
    if (found) return requestPrincipal(iss === '*' ? matchAny() : str(T.SUFFIX, iss.slice(1)), str(T.EXACT, sub));
    return requestPrincipal(matchAny(), str(T.SUFFIX, value.slice(1)));
  }
  if (value.endsWith('*')) {
    if (found) return requestPrincipal(str(T.EXACT, iss), sub === '*' ? matchAny() : str(T.PREFIX, sub.slice(0, -1)));
    return requestPrincipal(str(T.PREFIX, value.slice(0, -1)), matchAny());
  }
  return requestPrincipal(str(T.EXACT, iss), str(T.EXACT, sub));
}

const genRequestPrincipals: ExtendedGenerator = (values, ctx) => {
  if (ctx.forTCP) return HTTP_ONLY('request.auth.principal');
  usesHttpOnly(ctx);
  return or(values.map(requestPrincipalMatcher));
};

// ---- permission side (destination, HTTP operation) ----

function toPort(v: string): number | undefined {
  if (!/^\d+$/.test(v)) return undefined;
  const p = Number(v);
  return p > 65535 ? undefined : p;
}

const genPort: SimpleGenerator = (v) => {
  const p = toPort(v);
  if (p === undefined) return `invalid port ${v}`;
  return port(p);
};

const genSni: SimpleGenerator = (v) => on(K.SNI, istioString(v));

const genHost: SimpleGenerator = (v, ctx) => (ctx.forTCP ? HTTP_ONLY(':authority') : (usesHttpOnly(ctx), on(K.HOST, headerString(v, true))));

const genMethod: SimpleGenerator = (v, ctx) => (ctx.forTCP ? HTTP_ONLY(':method') : (usesHttpOnly(ctx), on(K.METHOD, headerString(v, false))));

const genPath: SimpleGenerator = (v, ctx) => {
  if (ctx.forTCP) return HTTP_ONLY('path-matcher');
  usesHttpOnly(ctx);
  return on(K.PATH, containsPathTemplate(v) ? pathTemplate(v) : istioString(v));
};

const genEnvoyFilter: ExtendedGenerator = (_values, ctx) => {
  ctx.notes.push('experimental.envoy.filters.* reads Envoy dynamic metadata, which a snapshot does not have: it never matches');
  return FALSE;
};

// ---- rule assembly (model.New + Generate) ----

interface Field {
  readonly key: string;
  readonly values: readonly string[] | undefined;
  readonly notValues: readonly string[] | undefined;
  readonly simple?: SimpleGenerator;
  readonly extended?: ExtendedGenerator;
}

/** `rule.permission` / `rule.principal`: positive OR, then NOT(OR) of notValues; errors per checkError. */
function fieldPreds(f: Field, action: RbacAction, ctx: GenContext, out: Pred[]): void {
  const handle = (values: readonly string[] | undefined, negate: boolean): void => {
    if (values === undefined || values.length === 0) return;
    if (f.extended !== undefined) {
      const p = f.extended(values, ctx);
      if (typeof p === 'string') {
        if (action === 'ALLOW') throw new RuleError(p);
        ctx.notes.push(`${negate ? 'not ' : ''}${f.key} dropped: ${p}`);
        return;
      }
      out.push(negate ? not(p) : p);
      return;
    }
    const alternatives: Pred[] = [];
    for (const v of values) {
      const p = (f.simple as SimpleGenerator)(v, ctx);
      if (typeof p === 'string') {
        if (action === 'ALLOW') throw new RuleError(p);
        ctx.notes.push(`${negate ? 'not ' : ''}${f.key} value ${JSON.stringify(v)} dropped: ${p}`);
        continue;
      }
      alternatives.push(p);
    }
    if (alternatives.length === 0) return;
    const p = or(alternatives);
    out.push(negate ? not(p) : p);
  };
  handle(f.values, false);
  handle(f.notValues, true);
}

function whenField(key: string, values: readonly string[] | undefined, notValues: readonly string[] | undefined): Field {
  const simple = (g: SimpleGenerator): Field => ({ key, values, notValues, simple: g });
  const extended = (g: ExtendedGenerator): Field => ({ key, values, notValues, extended: g });
  switch (key) {
    case 'destination.ip':
      return simple(genDestinationIp);
    case 'destination.port':
      return simple(genPort);
    case 'connection.sni':
      return simple(genSni);
    case 'source.ip':
      return simple(genSourceIp);
    case 'remote.ip':
      return simple(genRemoteIp);
    case 'source.namespace':
      return simple(genSourceNamespace);
    case 'source.trustDomain':
      return simple(genTrustDomain);
    case 'source.serviceAccount':
      return simple(genServiceAccount);
    case 'source.principal':
      return simple(genSourcePrincipal);
    case 'request.auth.principal':
      return extended(genRequestPrincipals);
    case 'request.auth.audiences':
      return extended(genAudiences);
    case 'request.auth.presenter':
      return extended(genPresenter);
    default:
      if (key.startsWith('experimental.envoy.filters.')) return extended(genEnvoyFilter);
      if (key.startsWith('request.headers')) return simple(genHeader(key));
      if (key.startsWith('request.auth.claims')) return extended(genClaims(key));
      throw new RuleError(`unknown attribute ${key}`);
  }
}

/** Compiles one rule in `ctx`; throws RuleError when istiod would skip it. */
function compileRule(rule: Rule, action: RbacAction, ctx: GenContext, bundle: TrustDomainBundle): Pred {
  const migratePrincipals = (vs: readonly string[] | undefined): readonly string[] | undefined => (vs && vs.length > 0 ? bundle.replaceAliases(vs) : vs);
  const expandDomains = (vs: readonly string[] | undefined): readonly string[] | undefined => (vs && vs.length > 0 ? bundle.expand(vs) : vs);

  const whenPreds: Pred[] = [];
  for (const c of rule.when ?? []) {
    let values = c.values;
    let notValues = c.notValues;
    if (c.key === 'source.principal') {
      values = migratePrincipals(values) as string[] | undefined;
      notValues = migratePrincipals(notValues) as string[] | undefined;
    } else if (c.key === 'source.trustDomain') {
      values = expandDomains(values) as string[] | undefined;
      notValues = expandDomains(notValues) as string[] | undefined;
    }
    fieldPreds(whenField(c.key, values, notValues), action, ctx, whenPreds);
  }

  let fromPred: Pred = TRUE;
  if (rule.from !== undefined && rule.from.length > 0) {
    const alternatives: Pred[] = [];
    for (const f of rule.from) {
      const s = f.source;
      const ps: Pred[] = [];
      if (s !== undefined) {
        fieldPreds({ key: 'principals', values: migratePrincipals(s.principals), notValues: migratePrincipals(s.notPrincipals), simple: genSourcePrincipal }, action, ctx, ps);
        fieldPreds({ key: 'requestPrincipals', values: s.requestPrincipals, notValues: s.notRequestPrincipals, extended: genRequestPrincipals }, action, ctx, ps);
        fieldPreds({ key: 'serviceAccounts', values: s.serviceAccounts, notValues: s.notServiceAccounts, simple: genServiceAccount }, action, ctx, ps);
        fieldPreds({ key: 'trustDomains', values: expandDomains(s.trustDomains), notValues: expandDomains(s.notTrustDomains), simple: genTrustDomain }, action, ctx, ps);
        fieldPreds({ key: 'namespaces', values: s.namespaces, notValues: s.notNamespaces, simple: genSourceNamespace }, action, ctx, ps);
        fieldPreds({ key: 'remoteIpBlocks', values: s.remoteIpBlocks, notValues: s.notRemoteIpBlocks, simple: genRemoteIp }, action, ctx, ps);
        fieldPreds({ key: 'ipBlocks', values: s.ipBlocks, notValues: s.notIpBlocks, simple: genSourceIp }, action, ctx, ps);
      }
      alternatives.push(and(ps));
    }
    fromPred = or(alternatives);
  }

  let toPred: Pred = TRUE;
  if (rule.to !== undefined && rule.to.length > 0) {
    const alternatives: Pred[] = [];
    for (const t of rule.to) {
      const o = t.operation;
      const ps: Pred[] = [];
      if (o !== undefined) {
        fieldPreds({ key: 'hosts', values: o.hosts, notValues: o.notHosts, simple: genHost }, action, ctx, ps);
        fieldPreds({ key: 'methods', values: o.methods, notValues: o.notMethods, simple: genMethod }, action, ctx, ps);
        fieldPreds({ key: 'paths', values: o.paths, notValues: o.notPaths, simple: genPath }, action, ctx, ps);
        fieldPreds({ key: 'ports', values: o.ports, notValues: o.notPorts, simple: genPort }, action, ctx, ps);
      }
      alternatives.push(and(ps));
    }
    toPred = or(alternatives);
  }
  // Operation first: ports and methods are the cheapest tests and the most selective.
  return and([...(toPred === TRUE ? [] : [toPred]), ...(fromPred === TRUE ? [] : [fromPred]), ...whenPreds]);
}

/**
 * All rules of one policy for one action and filter chain, in `spec.rules` order. `httpForm`: the same
 * policy's HTTP form, whose rules that use no HTTP-only attribute are the TCP form's as they are.
 */
export function compileEnvoyRules(policy: AuthorizationPolicy, action: RbacAction, forTCP: boolean, bundle: TrustDomainBundle, httpForm?: CompiledRuleSet): CompiledRuleSet {
  const rules: CompiledRule[] = [];
  const skipped: { index: number; reason: string }[] = [];
  const specRules = policy.spec.rules ?? [];
  const reusable = forTCP && httpForm !== undefined ? new Map(httpForm.rules.filter((r) => r.sameOnTcp).map((r) => [r.index, r])) : undefined;
  specRules.forEach((rule, index) => {
    if (rule === null || rule === undefined) {
      skipped.push({ index, reason: 'nil rule' });
      return;
    }
    const same = reusable?.get(index);
    if (same !== undefined) {
      rules.push(same);
      return;
    }
    const ctx: GenContext = { forTCP, policyNamespace: policy.namespace, notes: [], httpOnly: false };
    try {
      const match = compileRule(rule, action, ctx, bundle);
      rules.push({ index, match, ports: requiredPorts(rule), notes: ctx.notes, guard: ruleGuard(match), kinds: kindsOf(match), byPort: undefined, sameOnTcp: !forTCP && !ctx.httpOnly });
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      skipped.push({ index, reason: forTCP && error.message.includes('HTTP only') ? `rule uses HTTP-only attributes (${error.message}) and is ignored on a TCP filter chain` : `invalid rule: ${error.message}` });
    }
  });
  return { rules, skipped };
}

/** Ports a rule is limited to: the union of `to[].operation.ports` when every `to` entry has valid ones. */
function requiredPorts(rule: Rule): number[] | null {
  if (rule.to === undefined || rule.to.length === 0) return null;
  const out: number[] = [];
  for (const t of rule.to) {
    const ports = t.operation?.ports;
    if (ports === undefined || ports.length === 0) return null;
    for (const v of ports) {
      const p = toPort(v);
      if (p === undefined) return null;
      if (!out.includes(p)) out.push(p);
    }
  }
  return out;
}

/** Index of the first matching rule, or -1. */
export function firstMatch(set: CompiledRuleSet, a: RequestAttributes): number {
  const rules = set.rules;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i] as CompiledRule;
    if (r.ports !== null && (a.port === undefined || !r.ports.includes(a.port))) continue;
    if (evalPred(r.match, a)) return r.index;
  }
  return -1;
}
