// AuthorizationPolicy -> ztunnel (ambient L4) authorization, as istiod converts it
// (pilot/pkg/serviceregistry/ambient/authorization.go `convertAuthorizationPolicy`, `handleRule`) and
// ztunnel evaluates it (istio/ztunnel src/rbac.rs `Authorization::matches`). Only L4 attributes exist:
// an ALLOW rule with any HTTP attribute is dropped; in a DENY rule HTTP attributes are omitted, and a
// match left empty is skipped (matches nothing). trustDomains are not translated (ignored).
import type { AuthorizationPolicy } from '../resources/mesh.js';
import type { Rule } from '../resources/authorization-policy.js';
import { type CidrRange, parseCidr } from './ip-matcher.js';
import { and, FALSE, ip, K, kindsOf, not, on, or, peerServiceAccount, port, type Pred } from './predicate.js';
import { type RuleGuard, ruleGuard } from './rule-guard.js';
import { ztunnelString } from './string-matcher.js';

/** One ztunnel `Match`: every present field must match; an empty match is skipped. */
interface ZMatch {
  readonly empty: boolean;
  readonly test: Pred;
}

/** A rule (group): every clause must have a matching (non-empty) match; an empty clause matches. */
type ZRule = readonly (readonly ZMatch[])[];

/** One rule (group) of a ztunnel policy: its clauses, and the whole rule as one predicate. */
export interface ZtunnelRule {
  readonly index: number;
  readonly clauses: ZRule;
  readonly match: Pred;
  /** rule-guard.ts guard of `match`. */
  readonly guard: RuleGuard;
  /** The kinds of node `match` has (predicate.ts `kindsOf`). */
  readonly kinds: number;
  /** `match` specialized to destination ports, built on first use (rule-entries.ts). */
  byPort: Map<number, Pred> | undefined;
}

export interface ZtunnelPolicy {
  readonly action: 'ALLOW' | 'DENY';
  /**
   * Groups produced from `spec.rules` (rules dropped for L7 attributes are absent); `match` is the whole
   * rule as one predicate.
   */
  readonly rules: readonly ZtunnelRule[];
  /** HTTP attributes found (ztunnel cannot enforce them). */
  readonly l7: readonly string[];
}

const zString = ztunnelString;

function ports(values: readonly string[] | undefined): number[] {
  const out: number[] = [];
  for (const v of values ?? []) {
    if (!/^\d+$/.test(v)) continue;
    const p = Number(v);
    if (p <= 65535) out.push(p);
  }
  return out;
}

function ips(values: readonly string[] | undefined): CidrRange[] {
  const out: CidrRange[] = [];
  for (const v of values ?? []) {
    const r = parseCidr(v);
    if (r !== undefined) out.push(r);
  }
  return out;
}

interface MatchSpec {
  namespaces?: Pred[];
  notNamespaces?: Pred[];
  serviceAccounts?: { ns: string; sa: string }[];
  notServiceAccounts?: { ns: string; sa: string }[];
  principals?: Pred[];
  notPrincipals?: Pred[];
  sourceIps?: CidrRange[];
  notSourceIps?: CidrRange[];
  destinationIps?: CidrRange[];
  notDestinationIps?: CidrRange[];
  destinationPorts?: number[];
  notDestinationPorts?: number[];
}

function field<X>(pos: readonly X[] | undefined, neg: readonly X[] | undefined, pred: (x: X) => Pred): Pred | undefined {
  const p = pos ?? [];
  const n = neg ?? [];
  if (p.length === 0 && n.length === 0) return undefined;
  const parts: Pred[] = [];
  if (p.length > 0) parts.push(or(p.map(pred)));
  if (n.length > 0) parts.push(not(or(n.map(pred))));
  return and(parts);
}

function buildMatch(m: MatchSpec): ZMatch {
  const preds: Pred[] = [];
  const push = (p: Pred | undefined): void => {
    if (p !== undefined) preds.push(p);
  };
  push(field(m.destinationIps, m.notDestinationIps, (r: CidrRange) => ip(K.DESTINATION_IP, r)));
  push(field(m.sourceIps, m.notSourceIps, (r: CidrRange) => ip(K.SOURCE_IP, r)));
  push(field(m.destinationPorts, m.notDestinationPorts, (p: number) => port(p)));
  push(field(m.serviceAccounts, m.notServiceAccounts, (s: { ns: string; sa: string }) => peerServiceAccount(s.ns, s.sa)));
  push(field(m.principals, m.notPrincipals, (s: Pred) => on(K.PEER_PRINCIPAL, s)));
  push(field(m.namespaces, m.notNamespaces, (s: Pred) => on(K.PEER_NAMESPACE, s)));
  if (preds.length === 0) return { empty: true, test: and([]) };
  return { empty: false, test: and(preds) };
}

const L4_WHEN = new Set(['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port']);

function handleRule(action: 'ALLOW' | 'DENY', rule: Rule, ns: string, l7: Set<string>): ZRule | undefined {
  let l7Found = false;
  const clauses: ZMatch[][] = [];
  const toMatches: ZMatch[] = [];
  for (const to of rule.to ?? []) {
    const op = to.operation ?? {};
    for (const k of ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'] as const) {
      if ((op[k]?.length ?? 0) > 0) {
        l7Found = true;
        l7.add(k);
      }
    }
    toMatches.push(buildMatch({ destinationPorts: ports(op.ports), notDestinationPorts: ports(op.notPorts) }));
  }
  const fromMatches: ZMatch[] = [];
  const sa = (vs: readonly string[] | undefined): { ns: string; sa: string }[] =>
    (vs ?? []).map((v) => {
      const i = v.indexOf('/');
      return i >= 0 ? { ns: v.slice(0, i), sa: v.slice(i + 1) } : { ns, sa: v };
    });
  for (const from of rule.from ?? []) {
    const s = from.source ?? {};
    for (const k of ['remoteIpBlocks', 'notRemoteIpBlocks', 'requestPrincipals', 'notRequestPrincipals'] as const) {
      if ((s[k]?.length ?? 0) > 0) {
        l7Found = true;
        l7.add(k);
      }
    }
    fromMatches.push(
      buildMatch({
        sourceIps: ips(s.ipBlocks),
        notSourceIps: ips(s.notIpBlocks),
        namespaces: (s.namespaces ?? []).map(zString),
        notNamespaces: (s.notNamespaces ?? []).map(zString),
        serviceAccounts: sa(s.serviceAccounts),
        notServiceAccounts: sa(s.notServiceAccounts),
        principals: (s.principals ?? []).map(zString),
        notPrincipals: (s.notPrincipals ?? []).map(zString),
      }),
    );
  }
  if (toMatches.length > 0) clauses.push(toMatches);
  if (fromMatches.length > 0) clauses.push(fromMatches);
  for (const when of rule.when ?? []) {
    if (!L4_WHEN.has(when.key)) {
      l7Found = true;
      l7.add(when.key);
    }
    const pick = (k: string, neg: boolean): readonly string[] | undefined => (when.key === k ? (neg ? when.notValues : when.values) : undefined);
    clauses.push([
      buildMatch({
        namespaces: (pick('source.namespace', false) ?? []).map(zString),
        principals: (pick('source.principal', false) ?? []).map(zString),
        sourceIps: ips(pick('source.ip', false)),
        destinationPorts: ports(pick('destination.port', false)),
        destinationIps: ips(pick('destination.ip', false)),
        notNamespaces: (pick('source.namespace', true) ?? []).map(zString),
        notPrincipals: (pick('source.principal', true) ?? []).map(zString),
        notSourceIps: ips(pick('source.ip', true)),
        notDestinationPorts: ports(pick('destination.port', true)),
        notDestinationIps: ips(pick('destination.ip', true)),
      }),
    ]);
  }
  if (action === 'ALLOW' && l7Found) return undefined;
  return clauses;
}

/** The ztunnel form of a policy; undefined when istiod does not send it to ztunnel. */
export function compileZtunnelPolicy(policy: AuthorizationPolicy, action: 'ALLOW' | 'DENY'): ZtunnelPolicy {
  const l7 = new Set<string>();
  const rules: ZtunnelRule[] = [];
  (policy.spec.rules ?? []).forEach((rule, index) => {
    if (rule === null || rule === undefined) return;
    const clauses = handleRule(action, rule, policy.namespace, l7);
    if (clauses === undefined) return;
    const match = ruleMatch(clauses);
    rules.push({ index, clauses, match, guard: ruleGuard(match), kinds: kindsOf(match), byPort: undefined });
  });
  return { action, rules, l7: [...l7].sort() };
}

/**
 * `Authorization::matches` of one rule as a predicate: every non-empty clause needs a matching
 * non-empty match (a clause of empty matches only never matches).
 */
function ruleMatch(clauses: ZRule): Pred {
  const parts: Pred[] = [];
  for (const clause of clauses) {
    if (clause.length === 0) continue;
    const tests = clause.filter((m) => !m.empty).map((m) => m.test);
    parts.push(tests.length === 0 ? FALSE : or(tests));
  }
  return and(parts);
}
