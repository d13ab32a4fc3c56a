// One request -> the decision Istio would make (docs/reference/istio-authz.md §2 and §4; cli.md
// "gic check"): mTLS (PeerAuthentication) first, then at each Envoy proxy CUSTOM -> JWT -> AUDIT -> DENY
// -> ALLOW, or at ztunnel DENY -> ALLOW on L4 attributes; through a waypoint when the request is
// addressed to a Service that uses one. Never throws on input; the trace is optional (hot path).
// Without a trace (hot path) a target's record for the request's port (target-port-record.ts) holds
// its CUSTOM, DENY and ALLOW rules (ztunnel's on the ambient path) flattened, with rule guards
// (rule-guard.ts) that skip the rules a request's features rule out; addresses are parsed only if a
// rule reads one, derived values (paths, principals, hosts, waypoints) are memoized, and the header map
// is built only if a predicate reads it. The traced path walks policies one by one: same result.
import type { AccessRequest, Protocol } from './access-request.js';
import type { Decision, DecisionKind, DecisionReason } from './decision.js';
import type { Service } from '../resources/mesh.js';
import { adHocTarget, newProxyTarget, type CompiledMesh, LABEL_GATEWAY_NAME, type ProxyTarget, WAYPOINT_GATEWAY_CLASS } from './compile-mesh.js';
import type { CompiledAuthorizationPolicy, EnvoyPolicies, EnvoyPortPlan, EnvoyRulePlan } from './proxy-policies.js';
import { type CompiledRule, type CompiledRuleSet, firstMatch } from './envoy-rules.js';
import { type IpAddress, parseIp } from './ip-matcher.js';
import { authenticateJwt, type MergedJwtRule } from './jwt-authentication.js';
import { type EffectiveMtls, mtlsForPort } from './mtls-mode.js';
import { type NormalizedPath, normalizePath, type PathNormalizationMode } from './path-normalization.js';
import { type InferredProtocol, inferProtocol, selectsTarget, targetPortOf } from './protocol-inference.js';
import { evalPred, FALSE, K, not, Pred, reads, T, TRUE } from './predicate.js';
import { peerFor, peerFromPrincipal, type PeerIdentity, type RequestAttributes } from './request-attributes.js';
import { RequestHeaders } from './request-headers.js';
import { firstGuardedMatch, type GuardedRules, guardRules, requestSegments, requestWord, type RuleGuard, ruleCount, valueAt } from './rule-guard.js';
import { ROUTE, type TargetPortRecord } from './target-port-record.js';
import { ztunnelFirstMatch, type ZtunnelPolicy } from './ztunnel-rules.js';

export interface EvaluateOptions {
  /** Build the `trace` strings (default true). Turn off in hot loops: `trace` is then empty. */
  readonly trace?: boolean;
}

type Trace = string[] | undefined;

interface StageResult {
  readonly decision: DecisionKind;
  readonly provider?: string;
  readonly reasons: DecisionReason[];
}

const EMPTY_HEADERS: ReadonlyMap<string, string> = new Map();

function ruleSetFor(c: CompiledAuthorizationPolicy, http: boolean): CompiledRuleSet {
  return http ? c.http : c.tcp;
}

function noteRules(trace: Trace, c: CompiledAuthorizationPolicy, set: CompiledRuleSet): void {
  if (trace === undefined) return;
  for (const s of set.skipped) trace.push(`  ${c.ref} rule ${s.index}: ${s.reason}`);
  for (const r of set.rules) for (const n of r.notes) trace.push(`  ${c.ref} rule ${r.index}: ${n}`);
}

/** What a reason says; with the rule index it keys the per-policy reason cache. */
const REASON = { DENY: 0, ALLOW: 1, DEFAULT_DENY_HTTP: 2, DEFAULT_DENY_TCP: 3, ZTUNNEL_DENY: 4, ZTUNNEL_ALLOW: 5, ZTUNNEL_DEFAULT_DENY: 6 } as const;
type ReasonKind = (typeof REASON)[keyof typeof REASON];

/** The (immutable, shared) reason for a policy outcome: built once per policy, rule and kind. */
function reasonFor(c: CompiledAuthorizationPolicy, kind: ReasonKind, rule: number): DecisionReason {
  const key = kind * 65536 + rule + 1;
  const hit = c.reasonCache.get(key);
  if (hit !== undefined) return hit;
  let r: DecisionReason;
  switch (kind) {
    case REASON.DENY:
      r = { policy: c.ref, action: 'DENY', rule, message: `rule ${rule} of DENY policy ${c.ref} matches` };
      break;
    case REASON.ALLOW:
      r = { policy: c.ref, action: 'ALLOW', rule, message: `rule ${rule} of ALLOW policy ${c.ref} matches` };
      break;
    case REASON.DEFAULT_DENY_HTTP:
    case REASON.DEFAULT_DENY_TCP:
      r = { policy: c.ref, action: 'ALLOW', message: `default deny: ${describeNoMatch(c, kind === REASON.DEFAULT_DENY_HTTP ? c.http : c.tcp)}` };
      break;
    case REASON.ZTUNNEL_DENY:
      r = { policy: c.ref, action: 'DENY', rule, message: `rule ${rule} of DENY policy ${c.ref} matches at ztunnel (L4)` };
      break;
    case REASON.ZTUNNEL_ALLOW:
      r = { policy: c.ref, action: 'ALLOW', rule, message: `rule ${rule} of ALLOW policy ${c.ref} matches at ztunnel (L4)` };
      break;
    default: {
      const zp = c.ztunnel;
      const why =
        c.ruleCount === 0
          ? `${c.ref} has no rules (allow-nothing)`
          : zp === undefined || zp.rules.length === 0
            ? `every rule of ${c.ref} uses HTTP attributes, which ztunnel cannot enforce, so none is kept`
            : `none of the ${zp.rules.length} L4 rule(s) of ${c.ref} match`;
      r = { policy: c.ref, action: 'ALLOW', message: `default deny at ztunnel: ${why}` };
    }
  }
  c.reasonCache.set(key, r);
  return r;
}

function describeNoMatch(c: CompiledAuthorizationPolicy, set: CompiledRuleSet): string {
  if (c.ruleCount === 0) return `${c.ref} has no rules (allow-nothing): it matches no request`;
  if (set.rules.length === 0) return `none of the ${c.ruleCount} rule(s) of ${c.ref} apply to this filter chain`;
  return `none of the ${set.rules.length} rule(s) of ${c.ref} match`;
}

/** The flattened enforced DENY/ALLOW rules of `policies` for one filter chain, built once. */
function planFor(policies: EnvoyPolicies, http: boolean): EnvoyRulePlan {
  const slot = http ? 0 : 1;
  const hit = policies.plans[slot];
  if (hit !== undefined) return hit;
  const denyRules: CompiledRule[] = [];
  const denyOwners: CompiledAuthorizationPolicy[] = [];
  for (const c of policies.deny) {
    if (c.dryRun) continue;
    for (const r of ruleSetFor(c, http).rules) {
      denyRules.push(r);
      denyOwners.push(c);
    }
  }
  const allowRules: CompiledRule[] = [];
  const allowOwners: CompiledAuthorizationPolicy[] = [];
  for (const c of policies.allowEnforced) {
    for (const r of ruleSetFor(c, http).rules) {
      allowRules.push(r);
      allowOwners.push(c);
    }
  }
  const kind = http ? REASON.DEFAULT_DENY_HTTP : REASON.DEFAULT_DENY_TCP;
  const plan: EnvoyRulePlan = { denyRules, denyOwners, allowRules, allowOwners, defaultDeny: policies.allowEnforced.map((c) => reasonFor(c, kind, -1)), byPort: new Map() };
  policies.plans[slot] = plan;
  return plan;
}

function admits(r: CompiledRule, port: number | undefined): boolean {
  return r.ports === null || (port !== undefined && r.ports.includes(port));
}

/**
 * `p` with the destination port known: PORT leaves become TRUE/FALSE and AND/OR/NOT fold around them
 * (predicates are pure, so the result is the same for every request on that port). Unchanged
 * subtrees are shared; CLAIM/REQUEST_PRINCIPAL children are string tests and are left alone.
 */
function specializePort(p: Pred, port: number | undefined): Pred {
  switch (p.k) {
    case K.PORT:
      return port === p.n ? TRUE : FALSE;
    case K.NOT: {
      const kid = (p.kids as readonly Pred[])[0] as Pred;
      const s = specializePort(kid, port);
      return s === kid ? p : s === TRUE ? FALSE : s === FALSE ? TRUE : not(s);
    }
    case K.AND:
    case K.OR: {
      const and = p.k === K.AND;
      const kids = p.kids as readonly Pred[];
      const out: Pred[] = [];
      let changed = false;
      for (const kid of kids) {
        const s = specializePort(kid, port);
        if (s !== kid) changed = true;
        if (s === (and ? FALSE : TRUE)) return s;
        if (s !== (and ? TRUE : FALSE)) out.push(s);
      }
      if (!changed) return p;
      if (out.length === 0) return and ? TRUE : FALSE;
      if (out.length === 1) return out[0] as Pred;
      return new Pred(p.k, T.ANY, '', '', 0, null, null, out);
    }
    default:
      return p;
  }
}

/** The rules of `plan` whose port list admits `port`, in plan order; built once per port. */
function portPlanFor(plan: EnvoyRulePlan, port: number | undefined): EnvoyPortPlan {
  const key = port ?? -1;
  const hit = plan.byPort.get(key);
  if (hit !== undefined) return hit;
  const denyRules: CompiledRule[] = [];
  const denyOwners: CompiledAuthorizationPolicy[] = [];
  const allowRules: CompiledRule[] = [];
  const allowOwners: CompiledAuthorizationPolicy[] = [];
  const denyMatch: Pred[] = [];
  const allowMatch: Pred[] = [];
  // A rule whose predicate cannot match on this port is left out: it cannot be the first match.
  plan.denyRules.forEach((r, i) => {
    const match = admits(r, port) ? specializePort(r.match, port) : FALSE;
    if (match === FALSE) return;
    denyMatch.push(match);
    denyRules.push(r);
    denyOwners.push(plan.denyOwners[i] as CompiledAuthorizationPolicy);
  });
  plan.allowRules.forEach((r, i) => {
    const match = admits(r, port) ? specializePort(r.match, port) : FALSE;
    if (match === FALSE) return;
    allowMatch.push(match);
    allowRules.push(r);
    allowOwners.push(plan.allowOwners[i] as CompiledAuthorizationPolicy);
  });
  const portPlan: EnvoyPortPlan = { denyMatch, allowMatch, denyRules, denyOwners, allowRules, allowOwners };
  plan.byPort.set(key, portPlan);
  return portPlan;
}

/** Index in `rules` of the first rule whose predicate matches, or -1 (ports are already filtered). */
function firstPlanMatch(matches: readonly Pred[], a: RequestAttributes): number {
  for (let i = 0; i < matches.length; i++) if (evalPred(matches[i] as Pred, a)) return i;
  return -1;
}

/** `decideLayers`: nothing denies and no ALLOW layer exists (allowed). */
const NO_ALLOW_LAYER = -1;
/** `decideLayers`: nothing denies and no ALLOW rule matches (default deny). */
const NO_ALLOW_MATCH = -2;

/**
 * The DENY then ALLOW layers of a record (rules from `denyStart`): the index in `rec.rules` of the
 * first matching DENY rule (below `allowStart`) or else of the first matching ALLOW rule; otherwise
 * NO_ALLOW_LAYER or NO_ALLOW_MATCH.
 */
function decideLayers(rec: TargetPortRecord, a: RequestAttributes): number {
  const w0 = requestWord(a);
  const w1 = requestSegments(a);
  const d = firstGuardedMatch(rec.rules, rec.denyStart, rec.allowStart, w0, w1, a);
  if (d >= 0) return d;
  if (!rec.hasAllowLayer) return NO_ALLOW_LAYER;
  const m = firstGuardedMatch(rec.rules, rec.allowStart, ruleCount(rec.rules), w0, w1, a);
  return m >= 0 ? m : NO_ALLOW_MATCH;
}

/** `<label> <namespace>/<name>` of the proxy: built only when a message needs it. */
function proxyName(label: string, t: ProxyTarget): string {
  return `${label} ${t.namespace}/${t.name}`;
}

/** CUSTOM -> JWT -> AUDIT -> DENY -> ALLOW at one Envoy proxy (sidecar, gateway or waypoint). */
function evaluateEnvoy(compiled: CompiledMesh, policies: EnvoyPolicies, a: RequestAttributes, request: AccessRequest, trace: Trace, whereLabel: string, whereTarget: ProxyTarget, rec?: TargetPortRecord): StageResult {
  const http = a.http;
  let provider: string | undefined;
  let reasons: DecisionReason[] | undefined;

  // 1. CUSTOM (ext_authz), before authentication.
  if (rec !== undefined) {
    if (rec.denyStart > 0) {
      const i = firstGuardedMatch(rec.rules, 0, rec.denyStart, requestWord(a), requestSegments(a), a);
      if (i >= 0) {
        if (rec.customDenies) return { decision: 'DENY', reasons: [valueAt(rec.rules, i)] };
        provider = rec.customProvider;
        reasons = [valueAt(rec.rules, i)];
      }
    }
  } else if (policies.custom.length > 0) {
    const providers = policies.customProviders;
    const info = providers.length === 1 ? compiled.providers.get(providers[0] as string) : undefined;
    let bad: string | undefined;
    if (providers.length > 1) bad = `more than one CUSTOM provider on ${proxyName(whereLabel, whereTarget)} (${providers.join(', ')}) without PILOT_ENABLE_MULTIPLE_CUSTOM_AUTHZ_PROVIDERS: every CUSTOM rule becomes a DENY rule`;
    else if (info === undefined) bad = `provider ${JSON.stringify(providers[0])} is not an envoyExtAuthzHttp/envoyExtAuthzGrpc extensionProvider of MeshConfig: its CUSTOM rules become DENY rules`;
    else if (info.error !== undefined) bad = `provider ${JSON.stringify(info.name)} is invalid (${info.error}): its CUSTOM rules become DENY rules`;
    if (bad !== undefined) {
      trace?.push(`CUSTOM: ${bad}`);
      for (const c of policies.custom) {
        if (c.dryRun) continue;
        const set = ruleSetFor(c, http);
        noteRules(trace, c, set);
        const i = firstMatch(set, a);
        if (i >= 0) {
          trace?.push(`CUSTOM: ${c.ref}-deny-due-to-bad-CUSTOM-action rule ${i} matches: DENY (403)`);
          return { decision: 'DENY', reasons: [{ policy: c.ref, action: 'CUSTOM', rule: i, message: `rule ${i} of ${c.ref} matches and ${bad} (${c.ref}-deny-due-to-bad-CUSTOM-action)` }] };
        }
      }
      trace?.push('CUSTOM: no bad-CUSTOM deny rule matches');
    } else if (info !== undefined && !http && info.kind === 'http') {
      trace?.push(`CUSTOM: provider ${info.name} is an HTTP ext-authz provider: ignored on this TCP filter chain`);
    } else if (info !== undefined) {
      for (const c of policies.custom) {
        const set = ruleSetFor(c, http);
        noteRules(trace, c, set);
        const i = firstMatch(set, a);
        if (i >= 0) {
          provider = info.name;
          reasons = [{ policy: c.ref, action: 'CUSTOM', rule: i, message: `rule ${i} of ${c.ref} matches: the ${info.kind === 'http' ? 'HTTP' : 'gRPC'} ext-authz provider ${info.name} decides` }];
          trace?.push(`CUSTOM: ${c.ref} rule ${i} matches: provider ${info.name} is called and decides (if it allows, evaluation continues)`);
          break;
        }
      }
      if (provider === undefined) trace?.push(`CUSTOM: no rule of ${policies.custom.map((c) => c.ref).join(', ')} matches: provider ${info.name} is not called`);
    }
  } else {
    trace?.push('CUSTOM: no CUSTOM policy applies');
  }

  // 2. Authentication (JWT), HTTP only.
  let attrs = a;
  if (http) {
    const outcome = authenticateJwt(rec !== undefined ? rec.jwtRules : policies.jwtRules, request.jwt);
    if (outcome.kind === 'invalid') {
      trace?.push(`JWT: ${outcome.message}`);
      return { decision: 'UNAUTHENTICATED', reasons: [{ policy: `RequestAuthentication ${outcome.policy}`, action: 'JWT', message: outcome.message }] };
    }
    trace?.push(`JWT: ${outcome.message}`);
    if (outcome.kind === 'valid') attrs = { ...a, jwt: outcome.payload };
  } else if (trace !== undefined && policies.jwtRules.length > 0) {
    trace.push('JWT: RequestAuthentication does not apply to a TCP filter chain');
  }

  // 3. AUDIT: never decides.
  if (trace !== undefined) {
    for (const c of policies.audit) {
      const set = ruleSetFor(c, http);
      noteRules(trace, c, set);
      const i = firstMatch(set, attrs);
      trace.push(i >= 0 ? `AUDIT: ${c.ref} rule ${i} matches: the request is marked for audit logging (no effect on the decision)` : `AUDIT: ${c.ref} does not match`);
    }
  }

  // 4. DENY. Without a trace: the flattened plan (same order, same first match).
  if (rec !== undefined) {
    const r = decideLayers(rec, attrs);
    if (r >= rec.denyStart && r < rec.allowStart) return { decision: 'DENY', reasons: [valueAt(rec.rules, r)] };
    if (r === NO_ALLOW_LAYER) return provider !== undefined ? { decision: 'CONDITIONAL', provider, reasons: reasons ?? [] } : { decision: 'ALLOW', reasons: reasons ?? [] };
    if (r === NO_ALLOW_MATCH) return { decision: 'DENY', reasons: rec.defaultDeny.slice() };
    const allowed = valueAt(rec.rules, r);
    if (reasons === undefined) reasons = [allowed];
    else reasons.push(allowed);
    return provider !== undefined ? { decision: 'CONDITIONAL', provider, reasons } : { decision: 'ALLOW', reasons };
  }
  if (trace === undefined) {
    const plan = planFor(policies, http);
    const byPort = portPlanFor(plan, attrs.port);
    const d = firstPlanMatch(byPort.denyMatch, attrs);
    if (d >= 0) return { decision: 'DENY', reasons: [reasonFor(byPort.denyOwners[d] as CompiledAuthorizationPolicy, REASON.DENY, (byPort.denyRules[d] as CompiledRule).index)] };
    if (policies.allowEnforced.length === 0) return provider !== undefined ? { decision: 'CONDITIONAL', provider, reasons: reasons ?? [] } : { decision: 'ALLOW', reasons: reasons ?? [] };
    const m = firstPlanMatch(byPort.allowMatch, attrs);
    if (m < 0) return { decision: 'DENY', reasons: plan.defaultDeny.slice() };
    const allowed = reasonFor(byPort.allowOwners[m] as CompiledAuthorizationPolicy, REASON.ALLOW, (byPort.allowRules[m] as CompiledRule).index);
    if (reasons === undefined) reasons = [allowed];
    else reasons.push(allowed);
    return provider !== undefined ? { decision: 'CONDITIONAL', provider, reasons } : { decision: 'ALLOW', reasons };
  }
  for (const c of policies.deny) {
    const set = ruleSetFor(c, http);
    if (c.dryRun) {
      if (trace !== undefined) {
        const i = firstMatch(set, attrs);
        trace.push(i >= 0 ? `DENY (dry-run): ${c.ref} rule ${i} matches: would deny, not enforced` : `DENY (dry-run): ${c.ref} does not match`);
      }
      continue;
    }
    noteRules(trace, c, set);
    const i = firstMatch(set, attrs);
    if (i >= 0) {
      trace?.push(`DENY: ${c.ref} rule ${i} matches: ${http ? '403 RBAC: access denied' : 'connection closed'}`);
      return { decision: 'DENY', reasons: [reasonFor(c, REASON.DENY, i)] };
    }
    trace?.push(`DENY: ${c.ref} does not match`);
  }
  if (policies.deny.length === 0) trace?.push('DENY: no DENY policy applies');

  // 5. ALLOW.
  const enforced = policies.allowEnforced;
  if (trace !== undefined) {
    for (const c of policies.allow) {
      if (!c.dryRun) continue;
      const i = firstMatch(ruleSetFor(c, http), attrs);
      trace.push(i >= 0 ? `ALLOW (dry-run): ${c.ref} rule ${i} matches: would allow, not enforced` : `ALLOW (dry-run): ${c.ref} does not match: would deny, not enforced`);
    }
  }
  if (enforced.length === 0) {
    trace?.push(policies.allow.length > 0 ? 'ALLOW: only dry-run ALLOW policies apply: no enforced ALLOW layer, allowed' : 'ALLOW: no ALLOW policy applies: allowed');
    return provider !== undefined ? { decision: 'CONDITIONAL', provider, reasons: reasons ?? [] } : { decision: 'ALLOW', reasons: reasons ?? [] };
  }
  for (const c of enforced) {
    const set = ruleSetFor(c, http);
    noteRules(trace, c, set);
    const i = firstMatch(set, attrs);
    if (i >= 0) {
      trace?.push(`ALLOW: ${c.ref} rule ${i} matches: allowed`);
      if (reasons === undefined) reasons = [];
      reasons.push(reasonFor(c, REASON.ALLOW, i));
      return provider !== undefined ? { decision: 'CONDITIONAL', provider, reasons } : { decision: 'ALLOW', reasons };
    }
  }
  trace?.push(`ALLOW: ${enforced.map((c) => c.ref).join(', ')} ${enforced.length === 1 ? 'applies' : 'apply'} and none matches: default deny (${http ? '403' : 'connection closed'})`);
  return {
    decision: 'DENY',
    reasons: enforced.map((c) => reasonFor(c, http ? REASON.DEFAULT_DENY_HTTP : REASON.DEFAULT_DENY_TCP, -1)),
  };
}

/** ztunnel without trace through the record's flattened rules: what `evaluateZtunnel` decides. */
function evaluateZtunnelRecord(rec: TargetPortRecord, a: RequestAttributes): StageResult {
  const r = decideLayers(rec, a);
  if (r === NO_ALLOW_LAYER) return { decision: 'ALLOW', reasons: [] };
  if (r === NO_ALLOW_MATCH) return { decision: 'DENY', reasons: rec.defaultDeny.slice() };
  return { decision: r < rec.allowStart ? 'DENY' : 'ALLOW', reasons: [valueAt(rec.rules, r)] };
}

/** ztunnel: DENY -> ALLOW on L4 attributes only. */
function evaluateZtunnel(compiled: CompiledMesh, target: ProxyTarget, a: RequestAttributes, trace: Trace): StageResult {
  const z = compiled.ztunnelPolicies(target);
  if (trace !== undefined) {
    for (const c of z.ignored) trace.push(`ztunnel: ${c.ref} ignored: ${c.ztunnelSkip ?? ''}`);
    for (const c of [...z.deny, ...z.allow]) {
      const l7 = c.ztunnel?.l7 ?? [];
      if (l7.length > 0) {
        trace.push(
          c.action === 'ALLOW'
            ? `ztunnel: ${c.ref} uses HTTP attributes (${l7.join(', ')}): its rules with them are omitted`
            : `ztunnel: ${c.ref} uses HTTP attributes (${l7.join(', ')}): they are omitted, and a match left empty matches nothing`,
        );
      }
    }
  }
  for (const c of z.deny) {
    const i = ztunnelFirstMatch(c.ztunnel!, a);
    if (i >= 0) {
      trace?.push(`ztunnel DENY: ${c.ref} rule ${i} matches: connection rejected`);
      return { decision: 'DENY', reasons: [reasonFor(c, REASON.ZTUNNEL_DENY, i)] };
    }
    trace?.push(`ztunnel DENY: ${c.ref} does not match`);
  }
  if (z.allow.length === 0) {
    trace?.push('ztunnel ALLOW: no ALLOW policy applies: allowed');
    return { decision: 'ALLOW', reasons: [] };
  }
  for (const c of z.allow) {
    const i = ztunnelFirstMatch(c.ztunnel!, a);
    if (i >= 0) {
      trace?.push(`ztunnel ALLOW: ${c.ref} rule ${i} matches: allowed`);
      return { decision: 'ALLOW', reasons: [reasonFor(c, REASON.ZTUNNEL_ALLOW, i)] };
    }
  }
  trace?.push(`ztunnel ALLOW: ${z.allow.map((c) => c.ref).join(', ')} ${z.allow.length === 1 ? 'applies' : 'apply'} and none matches: connection rejected`);
  return {
    decision: 'DENY',
    reasons: z.allow.map((c) => reasonFor(c, REASON.ZTUNNEL_DEFAULT_DENY, -1)),
  };
}

const MEMO_LIMIT = 4096;
const principalMemo = new Map<string, PeerIdentity>();

/** `peerFromPrincipal`, memoized (identities are immutable values). */
function peerOfPrincipal(principal: string): PeerIdentity {
  const hit = principalMemo.get(principal);
  if (hit !== undefined) return hit;
  const id = peerFromPrincipal(principal);
  if (principalMemo.size >= MEMO_LIMIT) principalMemo.clear();
  principalMemo.set(principal, id);
  return id;
}

interface Caller {
  readonly identity: PeerIdentity | undefined;
  readonly inMesh: boolean;
  readonly namespace: string | undefined;
  readonly description: string;
}

function resolveCaller(compiled: CompiledMesh, request: AccessRequest, describe: boolean): Caller {
  const from = request.from;
  if (from === undefined) return { identity: undefined, inMesh: false, namespace: undefined, description: 'an unidentified plaintext client' };
  if ('principal' in from) {
    const id = peerOfPrincipal(from.principal);
    return { identity: id, inMesh: true, namespace: id.namespace, description: describe ? `mTLS peer ${id.principal}` : '' };
  }
  if ('workload' in from) {
    const w = compiled.workloadsByNamespace.get(from.namespace)?.get(from.workload);
    if (w === undefined) {
      const id = peerFor(compiled.trustDomain, from.namespace, 'default');
      return { identity: id, inMesh: true, namespace: from.namespace, description: describe ? `workload ${from.namespace}/${from.workload} (not in the snapshot: assumed in the mesh with service account default)` : '' };
    }
    // Gateways and waypoints are Envoy proxies with a mesh identity whatever their pod spec says.
    if (w.dataplane === 'none' && !w.isGateway && !w.isWaypoint) return { identity: undefined, inMesh: false, namespace: from.namespace, description: describe ? `workload ${from.namespace}/${from.workload} (not in the mesh: plaintext)` : '' };
    return { identity: w.peer, inMesh: true, namespace: from.namespace, description: describe ? `workload ${from.namespace}/${from.workload} (${w.dataplane}, identity ${w.peer.principal})` : '' };
  }
  return { identity: undefined, inMesh: false, namespace: from.namespace, description: 'a plaintext client' };
}

function nsLabels(compiled: CompiledMesh, ns: string): Readonly<Record<string, string>> {
  return compiled.namespaces.get(ns)?.labels ?? {};
}

function resolveTarget(compiled: CompiledMesh, request: AccessRequest, trace: Trace): ProxyTarget {
  const to = request.to;
  if (to.workload !== undefined) {
    const t = compiled.workloadsByNamespace.get(to.namespace)?.get(to.workload);
    if (t !== undefined) return t;
    trace?.push(`target: workload ${to.namespace}/${to.workload} is not in the snapshot: evaluated as a workload with no labels`);
  }
  if (to.workload !== undefined) {
    // A Gateway-API Gateway whose Deployment istiod generates: the gateway pods carry its name.
    const gw = compiled.gateways.get(`${to.namespace}/${to.workload}`);
    if (gw !== undefined) {
      const waypoint = gw.gatewayClassName === WAYPOINT_GATEWAY_CLASS;
      trace?.push(`target: Gateway ${gw.namespace}/${gw.name} (class ${gw.gatewayClassName}) stands for its generated ${waypoint ? 'waypoint' : 'gateway'} pods`);
      return syntheticGateway(gw.namespace, gw.name, waypoint ? gw.name : `${gw.name}-${gw.gatewayClassName}`, waypoint, compiled.trustDomain);
    }
  }
  const labels = to.labels ?? {};
  const ns = nsLabels(compiled, to.namespace);
  const ambient = (labels['istio.io/dataplane-mode'] ?? ns['istio.io/dataplane-mode']) === 'ambient';
  const target = adHocTarget(to.namespace, labels, to.serviceAccount ?? 'default', ambient ? 'ambient' : 'sidecar', compiled.trustDomain);
  const gwName = target.gatewayName;
  if (gwName !== undefined && compiled.gateways.get(`${to.namespace}/${gwName}`)?.gatewayClassName === WAYPOINT_GATEWAY_CLASS) {
    return { ...target, isWaypoint: true, isGateway: false };
  }
  return target;
}

function syntheticGateway(namespace: string, name: string, serviceAccount: string, isWaypoint: boolean, trustDomain: string): ProxyTarget {
  return newProxyTarget({
    key: `${namespace}/${name} (${isWaypoint ? 'waypoint' : 'gateway'})`,
    namespace,
    name,
    labels: { [LABEL_GATEWAY_NAME]: name },
    serviceAccount,
    dataplane: 'sidecar',
    gatewayName: name,
    isWaypoint,
    isGateway: !isWaypoint,
    workload: undefined,
  }, trustDomain);
}

/** cli.md "Addressing": the Service a `host` names (`name`, `name.ns`, `name.ns.svc`, FQDN; any port). */
function serviceForHost(compiled: CompiledMesh, host: string | undefined, defaultNs: string): Service | undefined {
  if (host === undefined || host === '' || host.startsWith('[')) return undefined;
  const named = hostName(host);
  if (named === null) return undefined;
  return compiled.servicesByName.get(named.ns ?? defaultNs)?.get(named.svc);
}

/** A host's Service name and namespace (undefined namespace: the default one); null when it names none. */
interface HostName {
  readonly svc: string;
  readonly ns: string | undefined;
}

const hostMemo = new Map<string, HostName | null>();

function hostName(host: string): HostName | null {
  const hit = hostMemo.get(host);
  if (hit !== undefined) return hit;
  let name = host.toLowerCase();
  // Everything from the first colon is the port (a bracketed IPv6 literal names no Service).
  const colon = name.indexOf(':');
  if (colon >= 0) name = name.slice(0, colon);
  if (name.endsWith('.')) name = name.slice(0, -1);
  const parts = name.split('.');
  let named: HostName | null = null;
  if (parts.length === 1) named = { svc: parts[0] as string, ns: undefined };
  else if (parts.length === 2 || parts[2] === 'svc') named = { svc: parts[0] as string, ns: parts[1] as string };
  if (hostMemo.size >= MEMO_LIMIT) hostMemo.clear();
  hostMemo.set(host, named);
  return named;
}

/** The waypoint that serves a Service (`istio.io/use-waypoint` on the Service, else its namespace). */
export function waypointFor(compiled: CompiledMesh, service: Service, trace: Trace = undefined): ProxyTarget | undefined {
  let memo = compiled.waypointOf.get(service);
  if (memo === undefined) {
    const notes: string[] = [];
    memo = { waypoint: resolveWaypoint(compiled, service, notes), note: notes[0] };
    compiled.waypointOf.set(service, memo);
  }
  if (memo.note !== undefined) trace?.push(memo.note);
  return memo.waypoint;
}

function resolveWaypoint(compiled: CompiledMesh, service: Service, trace: string[]): ProxyTarget | undefined {
  const nsl = nsLabels(compiled, service.namespace);
  const onService = service.labels['istio.io/use-waypoint'];
  const name = onService ?? nsl['istio.io/use-waypoint'];
  if (name === undefined || name === '' || name === 'none') return undefined;
  const wpNs = (onService !== undefined ? service.labels['istio.io/use-waypoint-namespace'] : nsl['istio.io/use-waypoint-namespace']) ?? service.namespace;
  const gw = compiled.gateways.get(`${wpNs}/${name}`);
  const waypointFor = gw?.labels['istio.io/waypoint-for'];
  if (waypointFor === 'workload' || waypointFor === 'none') {
    trace?.push(`waypoint ${wpNs}/${name} has istio.io/waypoint-for=${waypointFor}: it does not serve Service traffic`);
    return undefined;
  }
  const deployed = compiled.waypoints.get(`${wpNs}/${name}`);
  if (deployed !== undefined) return deployed;
  // The waypoint Deployment is generated by istiod from the Gateway: its service account is the Gateway name.
  return syntheticGateway(wpNs, name, name, true, compiled.trustDomain);
}

const WHITESPACE = /\s/;
const pathMemo = new Map<PathNormalizationMode, Map<string, NormalizedPath>>();

/** `normalizePath`, memoized per mode (results are immutable values). */
function normalizedPath(raw: string, mode: PathNormalizationMode): NormalizedPath {
  let memo = pathMemo.get(mode);
  if (memo === undefined) pathMemo.set(mode, (memo = new Map()));
  const hit = memo.get(raw);
  if (hit !== undefined) return hit;
  const normalized = normalizePath(raw, mode);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(raw, normalized);
  return normalized;
}

interface BaseAttributes {
  readonly attrs: RequestAttributes;
  readonly rejected?: string;
}

/** The attributes a proxy sees; `readsIps` false: no rule reads an address, so none is parsed (all undefined). */
function buildAttributes(compiled: CompiledMesh, request: AccessRequest, protocol: Protocol, peer: PeerIdentity | undefined, readsIps = true): BaseAttributes {
  const http = protocol !== 'tcp';
  let sourceIp: IpAddress | undefined;
  let remoteIp: IpAddress | undefined;
  let destinationIp: IpAddress | undefined;
  if (readsIps) {
    const sourceIpText = (request.from !== undefined ? request.from.ip : undefined) ?? request.sourceIp;
    sourceIp = sourceIpText === undefined ? undefined : parseIp(sourceIpText);
    remoteIp = request.remoteIp === undefined ? sourceIp : parseIp(request.remoteIp);
    destinationIp = request.destinationIp === undefined ? undefined : parseIp(request.destinationIp);
  }
  let method: string | undefined;
  let path: string | undefined;
  let host: string | undefined;
  let headers = EMPTY_HEADERS;
  let rejected: string | undefined;
  if (http) {
    method = request.method ?? (protocol === 'grpc' ? 'POST' : 'GET');
    const raw = request.path ?? '/';
    const normalized = normalizedPath(raw, compiled.mesh.meshConfig.pathNormalization);
    if (normalized.rejected !== undefined) rejected = normalized.rejected;
    path = normalized.path;
    host = request.host;
    if (request.headers !== undefined) {
      for (const k in request.headers) {
        if (WHITESPACE.test(k)) {
          rejected ??= `header name ${JSON.stringify(k)} contains whitespace (Envoy answers 400)`;
          break;
        }
      }
    }
    headers = new RequestHeaders(request.headers, method, raw, path, host);
  }
  return {
    attrs: { http, peer, sourceIp, remoteIp, destinationIp, port: request.to.port, sni: request.sni, method, path, host, headers, jwt: undefined },
    rejected,
  };
}

function protocolOf(compiled: CompiledMesh, target: ProxyTarget, request: AccessRequest): InferredProtocol {
  if (request.to.protocol !== undefined) return { protocol: request.to.protocol, how: 'given by the request' };
  const sniffed = request.method !== undefined || request.path !== undefined;
  // Ports are 0-65535: one number keys both the port and the sniffing outcome.
  const key = ((request.to.port ?? 70000) << 1) | (sniffed ? 1 : 0);
  const hit = target.protocols.get(key);
  if (hit !== undefined) return hit;
  const inferred = inferProtocol(compiled.servicesByNamespace.get(target.namespace), target, request);
  target.protocols.set(key, inferred);
  return inferred;
}

function finish(protocol: Protocol, r: StageResult, trace: Trace): Decision {
  return r.provider !== undefined
    ? { decision: r.decision, protocol, provider: r.provider, reasons: r.reasons, trace: trace ?? [] }
    : { decision: r.decision, protocol, reasons: r.reasons, trace: trace ?? [] };
}

/** The record of `target` for the request's port and protocol hint, built on first use. */
function portRecordFor(compiled: CompiledMesh, target: ProxyTarget, request: AccessRequest): TargetPortRecord {
  const to = request.to;
  const given = to.protocol;
  const hint = given === undefined ? (request.method !== undefined || request.path !== undefined ? 1 : 0) : given === 'http' ? 2 : given === 'grpc' ? 3 : 4;
  // Ports are 0-65535 (70000: none): one number keys the port and the protocol hint.
  const key = (to.port ?? 70000) * 8 + hint;
  if (target.portKey0 === key) return target.portRecord0 as TargetPortRecord;
  if (target.portKey1 === key) return target.portRecord1 as TargetPortRecord;
  let records = target.portRecords;
  if (records === undefined) target.portRecords = records = new Map();
  const hit = records.get(key);
  if (hit !== undefined) return hit;
  const rec = buildPortRecord(compiled, target, protocolOf(compiled, target, request), to.port);
  records.set(key, rec);
  if (target.portRecord0 === undefined) {
    target.portKey0 = key;
    target.portRecord0 = rec;
  } else if (target.portRecord1 === undefined) {
    target.portKey1 = key;
    target.portRecord1 = rec;
  }
  return rec;
}

/** The reason a STRICT PeerAuthentication rejects a plaintext connection. */
function strictRejects(eff: EffectiveMtls): DecisionReason {
  return { policy: `PeerAuthentication ${eff.policy ?? ''}`, action: 'MTLS', message: `STRICT mTLS (${eff.level} PeerAuthentication ${eff.policy ?? ''}) rejects the plaintext connection` };
}

const NO_PREDS: readonly Pred[] = [];
const NO_REASONS: readonly DecisionReason[] = [];
const NO_RULES: GuardedRules<DecisionReason> = [];
const NO_JWT_RULES: readonly MergedJwtRule[] = [];
const IP_KINDS: readonly K[] = [K.SOURCE_IP, K.REMOTE_IP, K.DESTINATION_IP];

function buildPortRecord(compiled: CompiledMesh, target: ProxyTarget, inferred: InferredProtocol, port: number | undefined): TargetPortRecord {
  const protocol = inferred.protocol;
  const http = protocol !== 'tcp';
  const none = { protocol, inferred, http, mtlsDisable: false, plaintextDenied: undefined, policies: undefined, jwtRules: NO_JWT_RULES, rules: NO_RULES, denyStart: 0, allowStart: 0, customDenies: false, customProvider: undefined, hasAllowLayer: false, defaultDeny: NO_REASONS, readsIps: false };
  if (target.dataplane === 'none' && !target.isGateway && !target.isWaypoint) return { ...none, route: ROUTE.OPEN };
  if (target.dataplane === 'ambient' && !target.isWaypoint && target.gatewayName === undefined) return ambientRecord(compiled, target, none, port);
  let mtlsDisable = false;
  let plaintextDenied: DecisionReason | undefined;
  if (!target.isGateway) {
    const eff = target.isWaypoint ? ({ mode: 'STRICT', level: 'default' } as const) : mtlsForPort(compiled.peerAuthentication(target), port);
    mtlsDisable = eff.mode === 'DISABLE';
    if (eff.mode === 'STRICT') {
      plaintextDenied = target.isWaypoint
        ? { policy: `waypoint ${target.namespace}/${target.name}`, action: 'MTLS', message: 'a waypoint accepts only HBONE (mTLS) connections: the plaintext connection is rejected' }
        : strictRejects(eff);
    }
  }
  const policies = compiled.envoyPolicies(target);
  const custom = customPlan(compiled, policies, http, port, target);
  const plan = planFor(policies, http);
  const byPort = portPlanFor(plan, port);
  const rules = [...custom.rules, ...byPort.denyMatch, ...byPort.allowMatch];
  return {
    protocol,
    inferred,
    http,
    route: ROUTE.ENVOY,
    mtlsDisable,
    plaintextDenied,
    policies,
    jwtRules: policies.jwtRules,
    rules: guardRules(rules, [...custom.guards, ...byPort.denyRules.map((r) => r.guard), ...byPort.allowRules.map((r) => r.guard)], [
      ...custom.reasons,
      ...byPort.denyRules.map((r, i) => reasonFor(byPort.denyOwners[i] as CompiledAuthorizationPolicy, REASON.DENY, r.index)),
      ...byPort.allowRules.map((r, i) => reasonFor(byPort.allowOwners[i] as CompiledAuthorizationPolicy, REASON.ALLOW, r.index)),
    ]),
    denyStart: custom.rules.length,
    allowStart: custom.rules.length + byPort.denyMatch.length,
    customDenies: custom.denies,
    customProvider: custom.provider,
    hasAllowLayer: policies.allowEnforced.length > 0,
    defaultDeny: plan.defaultDeny,
    readsIps: rules.some((p) => reads(p, IP_KINDS)),
  };
}

/** An ambient target's record: its STRICT mTLS outcome and its ztunnel DENY and ALLOW rules on `port`. */
function ambientRecord(compiled: CompiledMesh, target: ProxyTarget, none: Omit<TargetPortRecord, 'route'>, port: number | undefined): TargetPortRecord {
  const eff = mtlsForPort(compiled.peerAuthentication(target), port);
  const z = compiled.ztunnelPolicies(target);
  const rules: Pred[] = [];
  const guards: RuleGuard[] = [];
  const reasons: DecisionReason[] = [];
  const add = (policies: readonly CompiledAuthorizationPolicy[], kind: ReasonKind): void => {
    for (const c of policies) {
      for (const r of (c.ztunnel as ZtunnelPolicy).rules) {
        const match = specializePort(r.match, port);
        if (match === FALSE) continue;
        rules.push(match);
        guards.push(r.guard);
        reasons.push(reasonFor(c, kind, r.index));
      }
    }
  };
  add(z.deny, REASON.ZTUNNEL_DENY);
  const allowStart = rules.length;
  add(z.allow, REASON.ZTUNNEL_ALLOW);
  return {
    ...none,
    route: ROUTE.AMBIENT,
    plaintextDenied: eff.mode === 'STRICT' ? strictRejects(eff) : undefined,
    rules: guardRules(rules, guards, reasons),
    allowStart,
    hasAllowLayer: z.allow.length > 0,
    defaultDeny: z.allow.map((c) => reasonFor(c, REASON.ZTUNNEL_DEFAULT_DENY, -1)),
    readsIps: rules.some((p) => reads(p, IP_KINDS)),
  };
}

/** The CUSTOM rules of one port (evaluation order) with their guards and reasons, and what a match does. */
interface CustomPlan {
  readonly rules: readonly Pred[];
  readonly guards: readonly RuleGuard[];
  readonly reasons: readonly DecisionReason[];
  readonly denies: boolean;
  readonly provider: string | undefined;
}

/** The CUSTOM stage of `evaluateEnvoy` (trace off) for one port, flattened: same first match, same reasons. */
function customPlan(compiled: CompiledMesh, policies: EnvoyPolicies, http: boolean, port: number | undefined, target: ProxyTarget): CustomPlan {
  const empty: CustomPlan = { rules: NO_PREDS, guards: [], reasons: NO_REASONS, denies: false, provider: undefined };
  if (policies.custom.length === 0) return empty;
  const providers = policies.customProviders;
  const info = providers.length === 1 ? compiled.providers.get(providers[0] as string) : undefined;
  let bad: string | undefined;
  if (providers.length > 1) bad = `more than one CUSTOM provider on ${proxyName(target.isGateway ? 'gateway' : 'sidecar', target)} (${providers.join(', ')}) without PILOT_ENABLE_MULTIPLE_CUSTOM_AUTHZ_PROVIDERS: every CUSTOM rule becomes a DENY rule`;
  else if (info === undefined) bad = `provider ${JSON.stringify(providers[0])} is not an envoyExtAuthzHttp/envoyExtAuthzGrpc extensionProvider of MeshConfig: its CUSTOM rules become DENY rules`;
  else if (info.error !== undefined) bad = `provider ${JSON.stringify(info.name)} is invalid (${info.error}): its CUSTOM rules become DENY rules`;
  if (bad === undefined && (info === undefined || (!http && info.kind === 'http'))) return empty;
  const customMatch: Pred[] = [];
  const customGuards: RuleGuard[] = [];
  const customReasons: DecisionReason[] = [];
  for (const c of policies.custom) {
    if (bad !== undefined && c.dryRun) continue;
    for (const r of ruleSetFor(c, http).rules) {
      const match = admits(r, port) ? specializePort(r.match, port) : FALSE;
      if (match === FALSE) continue;
      const i = r.index;
      customMatch.push(match);
      customGuards.push(r.guard);
      customReasons.push(
        bad !== undefined
          ? { policy: c.ref, action: 'CUSTOM', rule: i, message: `rule ${i} of ${c.ref} matches and ${bad} (${c.ref}-deny-due-to-bad-CUSTOM-action)` }
          : { policy: c.ref, action: 'CUSTOM', rule: i, message: `rule ${i} of ${c.ref} matches: the ${info!.kind === 'http' ? 'HTTP' : 'gRPC'} ext-authz provider ${info!.name} decides` },
      );
    }
  }
  return { rules: customMatch, guards: customGuards, reasons: customReasons, denies: bad !== undefined, provider: bad !== undefined ? undefined : info!.name };
}

/** The caller's mTLS identity, as `resolveCaller` resolves it, without describing it. */
function callerIdentity(compiled: CompiledMesh, request: AccessRequest): PeerIdentity | undefined {
  const from = request.from;
  if (from === undefined) return undefined;
  if ('principal' in from) return peerOfPrincipal(from.principal);
  if ('workload' in from) {
    const w = compiled.workloadsByNamespace.get(from.namespace)?.get(from.workload);
    if (w === undefined) return peerFor(compiled.trustDomain, from.namespace, 'default');
    if (w.dataplane === 'none' && !w.isGateway && !w.isWaypoint) return undefined;
    return w.peer;
  }
  return undefined;
}

/** The hot path (no trace) for a target of the snapshot: one cached record per (target, port, hint). */
function evaluateUntraced(compiled: CompiledMesh, request: AccessRequest, target: ProxyTarget): Decision {
  const rec = portRecordFor(compiled, target, request);
  const protocol = rec.protocol;
  if (rec.route === ROUTE.OPEN) return { decision: 'ALLOW', protocol, reasons: [], trace: [] };
  if (rec.route === ROUTE.AMBIENT) return evaluateResolved(compiled, request, undefined, target, rec.inferred, rec);
  let peer = callerIdentity(compiled, request);
  if (!target.isGateway) {
    if (peer !== undefined && rec.mtlsDisable) peer = undefined;
    if (peer === undefined && rec.plaintextDenied !== undefined) return { decision: 'DENY', protocol, reasons: [rec.plaintextDenied], trace: [] };
  }
  const base = buildAttributes(compiled, request, protocol, peer, rec.readsIps);
  if (base.rejected !== undefined) return finish(protocol, { decision: 'DENY', reasons: [{ policy: `${target.namespace}/${target.name}`, action: 'DENY', message: base.rejected }] }, undefined);
  return finish(protocol, evaluateEnvoy(compiled, rec.policies as EnvoyPolicies, base.attrs, request, undefined, target.isGateway ? 'gateway' : 'sidecar', target, rec), undefined);
}

export function evaluateRequest(compiled: CompiledMesh, request: AccessRequest, options: EvaluateOptions = {}): Decision {
  if (options.trace === false) {
    const to = request.to;
    const target = to.workload === undefined ? undefined : compiled.workloadsByNamespace.get(to.namespace)?.get(to.workload);
    if (target !== undefined) return evaluateUntraced(compiled, request, target);
  }
  const trace: Trace = options.trace === false ? undefined : [];
  const target = resolveTarget(compiled, request, trace);
  return evaluateResolved(compiled, request, trace, target, protocolOf(compiled, target, request));
}

/**
 * Everything after the target and its protocol are known (traced, or not on the hot path). `rec`: the
 * target's record (no trace), used on the ambient path without a waypoint.
 */
function evaluateResolved(compiled: CompiledMesh, request: AccessRequest, trace: Trace, target: ProxyTarget, inferred: InferredProtocol, rec?: TargetPortRecord): Decision {
  const protocol = inferred.protocol;
  const caller = resolveCaller(compiled, request, trace !== undefined);
  trace?.push(
    `target: ${target.namespace}/${target.name} (${target.isWaypoint ? 'waypoint' : target.isGateway ? 'gateway' : target.dataplane}), port ${request.to.port ?? '(none)'}, protocol ${protocol} (${inferred.how}); caller: ${caller.description}`,
  );

  if (target.dataplane === 'none' && !target.isGateway && !target.isWaypoint) {
    trace?.push('the target is not in the mesh: no proxy enforces any policy');
    return finish(protocol, { decision: 'ALLOW', reasons: [] }, trace);
  }

  if (target.dataplane === 'ambient' && !target.isWaypoint && target.gatewayName === undefined) {
    // Ambient: through the waypoint of the addressed Service, if any; then the destination ztunnel.
    const service = caller.identity !== undefined ? serviceForHost(compiled, request.host, caller.namespace ?? target.namespace) : undefined;
    const waypoint = service !== undefined && selectsTarget(service, target) ? waypointFor(compiled, service, trace) : undefined;
    if (waypoint !== undefined && service !== undefined) {
      trace?.push(`addressing: host ${request.host ?? ''} names Service ${service.namespace}/${service.name}, served by waypoint ${waypoint.namespace}/${waypoint.name}: the waypoint enforces L7 policy with the client's identity`);
      // The waypoint receives the connection for the Service address: its destination port is the Service port.
      const servicePort = service.ports.find((p) => targetPortOf(p, target) === request.to.port)?.port ?? request.to.port;
      trace?.push(`waypoint: HBONE (mTLS) from the client; destination port is Service port ${servicePort ?? '(none)'}`);
      const base = buildAttributes(compiled, servicePort === request.to.port ? request : { ...request, to: { ...request.to, port: servicePort } }, protocol, caller.identity);
      if (base.rejected !== undefined) {
        trace?.push(`waypoint: ${base.rejected}`);
        return finish(protocol, { decision: 'DENY', reasons: [{ policy: `waypoint ${waypoint.namespace}/${waypoint.name}`, action: 'DENY', message: base.rejected }] }, trace);
      }
      const stage1 = evaluateEnvoy(compiled, compiled.envoyPolicies(waypoint, service), base.attrs, request, trace, 'waypoint', waypoint);
      if (stage1.decision === 'DENY' || stage1.decision === 'UNAUTHENTICATED') return finish(protocol, stage1, trace);
      const wpIdentity = peerFor(compiled.trustDomain, waypoint.namespace, waypoint.serviceAccount);
      trace?.push(`destination ztunnel: the connection comes from the waypoint (identity ${wpIdentity.principal}; source IP is the waypoint's)`);
      const l4 = buildAttributes(compiled, { ...request, from: { principal: wpIdentity.principal }, sourceIp: undefined, remoteIp: undefined }, 'tcp', wpIdentity).attrs;
      const stage2 = evaluateZtunnel(compiled, target, { ...l4, sourceIp: undefined, remoteIp: undefined }, trace);
      if (stage2.decision !== 'ALLOW') return finish(protocol, stage2, trace);
      return finish(protocol, { decision: stage1.decision, provider: stage1.provider, reasons: [...stage1.reasons, ...stage2.reasons] }, trace);
    }
    if (rec !== undefined) {
      if (caller.identity === undefined && rec.plaintextDenied !== undefined) return finish(protocol, { decision: 'DENY', reasons: [rec.plaintextDenied] }, undefined);
      return finish(protocol, evaluateZtunnelRecord(rec, buildAttributes(compiled, request, 'tcp', caller.identity, rec.readsIps).attrs), undefined);
    }
    const composed = compiled.peerAuthentication(target);
    const eff = mtlsForPort(composed, request.to.port);
    const mtls = caller.identity !== undefined;
    trace?.push(
      `mTLS: effective PeerAuthentication mode ${eff.mode}${eff.policy !== undefined ? ` (${eff.level} ${eff.policy})` : ' (default)'}${eff.mode === 'DISABLE' ? ', which ambient does not support (treated as PERMISSIVE)' : ''}; connection is ${mtls ? 'HBONE (mTLS)' : 'plaintext'}`,
    );
    if (!mtls && eff.mode === 'STRICT') return finish(protocol, { decision: 'DENY', reasons: [strictRejects(eff)] }, trace);
    trace?.push('ztunnel: enforces L4 authorization only (no waypoint on this path)');
    const base = buildAttributes(compiled, request, 'tcp', caller.identity);
    return finish(protocol, evaluateZtunnel(compiled, target, base.attrs, trace), trace);
  }

  // Sidecar, gateway or waypoint addressed directly: an Envoy proxy.
  let peer = caller.identity;
  if (!target.isGateway) {
    const composed = compiled.peerAuthentication(target);
    const eff = target.isWaypoint ? ({ mode: 'STRICT', level: 'default' } as const) : mtlsForPort(composed, request.to.port);
    if (peer !== undefined && eff.mode === 'DISABLE') peer = undefined;
    trace?.push(`mTLS: effective PeerAuthentication mode ${eff.mode}${eff.policy !== undefined ? ` (${eff.level} ${eff.policy})` : target.isWaypoint ? ' (waypoints accept HBONE only)' : ' (default)'}; connection is ${peer !== undefined ? `mTLS, peer ${peer.principal}` : 'plaintext: no peer identity'}`);
    if (peer === undefined && eff.mode === 'STRICT') {
      const reason: DecisionReason = target.isWaypoint
        ? { policy: `waypoint ${target.namespace}/${target.name}`, action: 'MTLS', message: 'a waypoint accepts only HBONE (mTLS) connections: the plaintext connection is rejected' }
        : strictRejects(eff);
      return finish(protocol, { decision: 'DENY', reasons: [reason] }, trace);
    }
  } else {
    trace?.push(`mTLS: PeerAuthentication does not apply to a gateway; connection is ${peer !== undefined ? `mTLS, peer ${peer.principal}` : 'plaintext: no peer identity'}`);
  }
  const base = buildAttributes(compiled, request, protocol, peer);
  if (base.rejected !== undefined) {
    trace?.push(`HTTP: ${base.rejected}`);
    return finish(protocol, { decision: 'DENY', reasons: [{ policy: `${target.namespace}/${target.name}`, action: 'DENY', message: base.rejected }] }, trace);
  }
  return finish(protocol, evaluateEnvoy(compiled, compiled.envoyPolicies(target), base.attrs, request, trace, target.isGateway ? 'gateway' : 'sidecar', target), trace);
}
