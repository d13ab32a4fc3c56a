// Which dimensions can still change a rule's outcome once some dimensions are fixed: the compiled rule
// predicates of both meshes (evaluate/predicate.ts data) are evaluated three-valued against a partial
// request; only dimensions read by leaves of still-undecided rules are "live". A dimension that is not
// live is not split (beyond its structural atoms), which keeps the class count small. Sound because
// every way a request reaches a rule outcome goes through these leaves.
import type { CompiledAuthorizationPolicy, CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { DecisionKind } from '../evaluate/decision.js';
import { evalPred, K, type Pred, testString } from '../evaluate/predicate.js';
import type { AuthorizationPolicy } from '../resources/mesh.js';
import type { RequestAttributes } from '../evaluate/request-attributes.js';
import { claimDim, type DimKey } from './match-fields.js';

export interface RulePreds {
  readonly http: Pred[];
  readonly tcp: Pred[];
  /** CUSTOM rules: evaluated before authentication, so they never see JWT attributes. */
  readonly customHttp: Pred[];
  readonly customTcp: Pred[];
  /** False when some deciding rules are not visible here (ambient waypoints): every dimension is live. */
  readonly complete: boolean;
}

export function newRulePreds(): RulePreds {
  return { http: [], tcp: [], customHttp: [], customTcp: [], complete: true };
}

/** Adds the rules that decide for `t` in `compiled`. */
export function collectRulePreds(out: RulePreds, compiled: CompiledMesh, t: ProxyTarget, hasTargetRefPolicies: boolean): void {
  if (t.dataplane === 'none' && t.gatewayName === undefined && !t.isWaypoint) return;
  const ambient = t.dataplane === 'ambient' && !t.isWaypoint && t.gatewayName === undefined;
  if (!ambient) {
    const e = compiled.envoyPolicies(t);
    for (const c of e.custom) {
      for (const r of c.http.rules) out.customHttp.push(r.match);
      for (const r of c.tcp.rules) out.customTcp.push(r.match);
    }
    for (const c of [...e.deny, ...e.allow]) {
      for (const r of c.http.rules) out.http.push(r.match);
      for (const r of c.tcp.rules) out.tcp.push(r.match);
    }
    return;
  }
  if (hasTargetRefPolicies) (out as { complete: boolean }).complete = false;
  const z = compiled.ztunnelPolicies(t);
  for (const c of [...z.deny, ...z.allow]) {
    for (const rule of c.ztunnel?.rules ?? []) {
      for (const clause of rule.clauses) {
        for (const m of clause) {
          out.http.push(m.test);
          out.tcp.push(m.test);
        }
      }
    }
  }
}

function leafDims(p: Pred): DimKey[] {
  switch (p.k) {
    case K.PEER_URI:
    case K.PEER_PRINCIPAL:
    case K.PEER_NAMESPACE:
    case K.PEER_SA:
      return ['identity'];
    case K.METHOD:
      return ['method'];
    case K.PATH:
      return ['path'];
    case K.HOST:
      return ['host'];
    case K.HEADER:
      if (p.s2 === ':method') return ['method'];
      if (p.s2 === ':authority') return ['host'];
      if (p.s2 === ':path') return ['path'];
      return [`header:${p.s2}`];
    case K.SNI:
      return ['sni'];
    case K.PORT:
      return ['port'];
    case K.SOURCE_IP:
      return ['ip:source'];
    case K.REMOTE_IP:
      return ['ip:remote'];
    case K.DESTINATION_IP:
      return ['ip:destination'];
    case K.CLAIM:
      return ['token', claimDim(p.path ?? [])];
    case K.REQUEST_PRINCIPAL:
      return ['token', claimDim(['iss']), claimDim(['sub'])];
    default:
      return [];
  }
}

/**
 * Three-valued evaluation of `p` against a partial request: 0 false, 1 true, 2 unknown. Each leaf that
 * reads a dimension not yet `known` is unknown and is handed to `onUnknown` with the dimensions it reads;
 * what that puts in `acc` is kept only when the subtree holding the leaf stays unknown.
 */
function eval3<T>(p: Pred, known: (d: DimKey) => boolean, a: RequestAttributes, acc: T[], onUnknown: (leaf: Pred, need: readonly DimKey[], acc: T[]) => void): 0 | 1 | 2 {
  switch (p.k) {
    case K.TRUE:
      return 1;
    case K.FALSE:
      return 0;
    case K.AND:
    case K.OR: {
      const isAnd = p.k === K.AND;
      let unknown = false;
      const local: T[] = [];
      for (const kid of p.kids ?? []) {
        const v = eval3(kid, known, a, local, onUnknown);
        if (v === 2) unknown = true;
        else if ((v === 1) !== isAnd) return isAnd ? 0 : 1;
      }
      if (!unknown) return isAnd ? 1 : 0;
      for (const x of local) acc.push(x);
      return 2;
    }
    case K.NOT: {
      const v = eval3((p.kids as readonly Pred[])[0] as Pred, known, a, acc, onUnknown);
      return v === 2 ? 2 : v === 1 ? 0 : 1;
    }
    default: {
      const need = leafDims(p);
      if (need.some((d) => !known(d))) {
        onUnknown(p, need, acc);
        return 2;
      }
      return evalPred(p, a) ? 1 : 0;
    }
  }
}

const collectNothing = (): void => {};

/** Dimensions read by leaves of rules that the partial request leaves undecided. */
export function liveDims(preds: readonly Pred[], known: (d: DimKey) => boolean, attrs: RequestAttributes): Set<DimKey> {
  const out: DimKey[] = [];
  const missing = (_leaf: Pred, need: readonly DimKey[], acc: DimKey[]): void => {
    for (const d of need) if (!known(d)) acc.push(d);
  };
  for (const p of preds) eval3(p, known, attrs, out, missing);
  return new Set(out);
}

/** One action layer of a sidecar on one filter chain: rules common to both meshes, and the differing ones. */
export interface LayerRules {
  readonly same: Pred[];
  readonly before: Pred[];
  readonly after: Pred[];
}

export interface ChangedRules {
  readonly http: readonly LayerRules[];
  readonly tcp: readonly LayerRules[];
}

interface Layered {
  readonly key: string;
  readonly layer: number;
  readonly http: readonly Pred[];
  readonly tcp: readonly Pred[];
}

function layered(compiled: CompiledMesh, t: ProxyTarget, keyOf: (p: AuthorizationPolicy) => string): Map<string, Layered> | undefined {
  if (t.dataplane === 'none' && t.gatewayName === undefined && !t.isWaypoint) return new Map();
  if (t.dataplane === 'ambient' && !t.isWaypoint && t.gatewayName === undefined) return undefined;
  const e = compiled.envoyPolicies(t);
  const out = new Map<string, Layered>();
  const put = (list: readonly CompiledAuthorizationPolicy[], layer: number): void => {
    for (const c of list) out.set(`${c.ref}|${c.action}`, { key: keyOf(c.policy), layer, http: c.http.rules.map((r) => r.match), tcp: c.tcp.rules.map((r) => r.match) });
  };
  put(e.custom, 0);
  put(e.deny.filter((d) => !d.dryRun), 1);
  put(e.allowEnforced, 2);
  return out;
}

/**
 * The enforced rules of one workload by action layer (CUSTOM, DENY, ALLOW), split into those both
 * meshes share and those that differ; undefined when the layers themselves differ (an ALLOW layer
 * appears or goes, CUSTOM providers change) or for ambient targets, where no region can be skipped.
 */
export function changedRules(before: CompiledMesh, tB: ProxyTarget, after: CompiledMesh, tA: ProxyTarget, keyOf: (p: AuthorizationPolicy) => string): ChangedRules | undefined {
  const b = layered(before, tB, keyOf);
  const a = layered(after, tA, keyOf);
  if (b === undefined || a === undefined) return undefined;
  const sig = (c: CompiledMesh, t: ProxyTarget): string => {
    if (t.dataplane === 'none' && t.gatewayName === undefined && !t.isWaypoint) return 'none';
    const e = c.envoyPolicies(t);
    return JSON.stringify([e.customProviders, e.allowEnforced.length > 0]);
  };
  if (sig(before, tB) !== sig(after, tA)) return undefined;
  const mk = (): LayerRules[] => [0, 1, 2].map(() => ({ same: [], before: [], after: [] }));
  const out = { http: mk(), tcp: mk() };
  for (const ref of new Set([...b.keys(), ...a.keys()])) {
    const x = b.get(ref);
    const y = a.get(ref);
    for (const chain of ['http', 'tcp'] as const) {
      if (x !== undefined && y !== undefined && x.key === y.key) {
        (out[chain][x.layer] as LayerRules).same.push(...x[chain]);
        continue;
      }
      if (x !== undefined) (out[chain][x.layer] as LayerRules).before.push(...x[chain]);
      if (y !== undefined) (out[chain][y.layer] as LayerRules).after.push(...y[chain]);
    }
  }
  return out;
}

/** 3-valued OR over some rule predicates. */
function or3(preds: readonly Pred[], known: (d: DimKey) => boolean, a: RequestAttributes): 0 | 1 | 2 {
  let unknown = false;
  for (const p of preds) {
    const v = eval3(p, known, a, [], collectNothing);
    if (v === 1) return 1;
    if (v === 2) unknown = true;
  }
  return unknown ? 2 : 0;
}

/**
 * True when no request below can decide differently: in every layer, the differing rules already
 * give the same answer in both meshes, or a shared rule already matches (the layer matches either way).
 */
export function layersAgree(layers: readonly LayerRules[], known: (d: DimKey) => boolean, withJwt: RequestAttributes): boolean {
  const noJwt = { ...withJwt, jwt: undefined };
  for (const [index, l] of layers.entries()) {
    const attrs = index === 0 ? noJwt : withJwt;
    if (l.before.length === 0 && l.after.length === 0) continue;
    const b = or3(l.before, known, attrs);
    const a = or3(l.after, known, attrs);
    if (b !== 2 && a !== 2 && (b === a || (b === 1) === (a === 1))) continue;
    if (or3(l.same, known, attrs) === 1) continue;
    return false;
  }
  return true;
}

/** Dimensions the changed rules read: split first, so unchanged regions are skipped early. */
export function changedDims(pairs: ChangedRules): Set<DimKey> {
  const out = new Set<DimKey>();
  const visit = (p: Pred): void => {
    if (p.kids !== null && p.k !== K.CLAIM && p.k !== K.REQUEST_PRINCIPAL) for (const k of p.kids) visit(k);
    else for (const d of leafDims(p)) out.add(d);
  };
  for (const l of [...pairs.http, ...pairs.tcp]) for (const p of [...l.before, ...l.after]) visit(p);
  return out;
}

/** 3-valued OR over the rules of some policies on one filter chain. */
function anyRule(policies: readonly CompiledAuthorizationPolicy[], tcp: boolean, known: (d: DimKey) => boolean, a: RequestAttributes): 0 | 1 | 2 {
  return or3(policies.flatMap((c) => (tcp ? c.tcp : c.http).rules.map((r) => r.match)), known, a);
}

/**
 * The decision at a sidecar for every request of a partial class, when the rules already fix it
 * (evaluate-request.ts `evaluateEnvoy` in three values: CUSTOM, JWT, DENY, ALLOW); undefined while
 * it still depends on unassigned dimensions. mTLS mode and token outcome are inputs.
 */
export function decidedAtSidecar(c: CompiledMesh, t: ProxyTarget, tcp: boolean, known: (d: DimKey) => boolean, a: RequestAttributes, plaintextRejected: boolean, jwtInvalid: boolean): DecisionKind | undefined {
  if (plaintextRejected) return 'DENY';
  const e = c.envoyPolicies(t);
  let provider: 0 | 1 | 2 = 0;
  if (e.custom.length > 0) {
    const providers = e.customProviders;
    const info = providers.length === 1 ? c.providers.get(providers[0] as string) : undefined;
    const bad = providers.length > 1 || info === undefined || info.error !== undefined;
    if (bad) {
      const v = anyRule(e.custom.filter((x) => !x.dryRun), tcp, known, { ...a, jwt: undefined });
      if (v === 1) return 'DENY';
      if (v === 2) return undefined;
    } else if (!(tcp && info.kind === 'http')) {
      provider = anyRule(e.custom, tcp, known, { ...a, jwt: undefined });
    }
  }
  if (jwtInvalid && !tcp) return 'UNAUTHENTICATED';
  const deny = anyRule(e.deny.filter((x) => !x.dryRun), tcp, known, a);
  if (deny === 1) return 'DENY';
  if (deny === 2) return undefined;
  const allowed = e.allowEnforced.length === 0 ? 1 : anyRule(e.allowEnforced, tcp, known, a);
  if (allowed === 0) return 'DENY';
  if (allowed === 2 || provider === 2) return undefined;
  return provider === 1 ? 'CONDITIONAL' : 'ALLOW';
}

/** Leaves of still-undecided rules that read `dim` (three-valued, as `liveDims`). */
export function undecidedLeaves(preds: readonly Pred[], known: (d: DimKey) => boolean, a: RequestAttributes, dim: DimKey): Pred[] {
  const out: Pred[] = [];
  const readsDim = (leaf: Pred, need: readonly DimKey[], acc: Pred[]): void => {
    if (need.includes(dim)) acc.push(leaf);
  };
  for (const p of preds) eval3(p, known, a, out, readsDim);
  return out;
}

/** A leaf's truth for one value of `dim` (the other dimensions it reads being fixed in `a`). */
export function leafTruth(p: Pred, dim: DimKey, value: unknown, a: RequestAttributes): boolean {
  if (p.k === K.CLAIM) {
    const list = Array.isArray(value) ? (value as string[]) : [];
    return (p.kids ?? []).some((k) => list.some((e) => testString(k, e)));
  }
  if (p.k === K.REQUEST_PRINCIPAL) {
    const list = Array.isArray(value) ? (value as string[]) : [];
    const kid = (p.kids ?? [])[dim === claimDim(['iss']) ? 0 : 1];
    return kid !== undefined && list.length > 0 && testString(kid, list[0] as string);
  }
  return evalPred(p, withValue(a, dim, value));
}

function withValue(a: RequestAttributes, dim: DimKey, value: unknown): RequestAttributes {
  switch (dim) {
    case 'identity':
      return { ...a, peer: value as RequestAttributes['peer'] };
    case 'ip:source':
      return { ...a, sourceIp: value as RequestAttributes['sourceIp'] };
    case 'ip:remote':
      return { ...a, remoteIp: value as RequestAttributes['remoteIp'] };
    case 'ip:destination':
      return { ...a, destinationIp: value as RequestAttributes['destinationIp'] };
    case 'port':
      return { ...a, port: value as number | undefined };
    case 'sni':
      return { ...a, sni: value as string | undefined };
    case 'method':
    case 'path':
    case 'host': {
      const headers = new Map(a.headers);
      const h = dim === 'method' ? ':method' : dim === 'path' ? ':path' : ':authority';
      if (typeof value === 'string') headers.set(h, value);
      else headers.delete(h);
      return { ...a, [dim]: value as string | undefined, headers };
    }
    default: {
      if (!dim.startsWith('header:')) return a;
      const headers = new Map(a.headers);
      if (typeof value === 'string') headers.set(dim.slice('header:'.length), value);
      else headers.delete(dim.slice('header:'.length));
      return { ...a, headers };
    }
  }
}
