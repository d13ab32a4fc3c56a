// Everything one mesh decides for one destination, as formulas over the diff's cells, once the
// context dimensions (protocol, port, token, issuer, audiences) are fixed: a signature for what the
// context settles (mTLS mode, token outcome, CUSTOM providers, whether an ALLOW layer exists, the
// waypoint and Service port of the ambient path) and one formula per rule layer the evaluator reads
// (evaluate-request.ts: STRICT rejection, CUSTOM, DENY, ALLOW at an Envoy proxy; for ambient, the
// route through each waypoint and that path's layers masked by it, then ztunnel's layers masked by
// "no waypoint route"). The decision is a function of the signature and the formulas' values: two
// requests with equal formula values decide alike, and two meshes with equal signatures and formulas
// decide alike. Each formula has a role (`allow`, `waypoint:ns/svc:deny`, `ztunnel:allow`, ...), and
// the rules read can be narrowed (`keep`): edit-relevance.ts builds formulas of parts of the rules.
// Pure.
import type { AccessRequest } from '../evaluate/access-request.js';
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { CompiledAuthorizationPolicy, EnvoyPolicies } from '../evaluate/proxy-policies.js';
import { authenticateJwt, type MergedJwtRule } from '../evaluate/jwt-authentication.js';
import { mtlsForPort } from '../evaluate/mtls-mode.js';
import { evalPred, K, type Pred, testString } from '../evaluate/predicate.js';
import { targetPortOf } from '../evaluate/protocol-inference.js';
import { peerFromPrincipal, type RequestAttributes } from '../evaluate/request-attributes.js';
import type { ZtunnelPolicy } from '../evaluate/ztunnel-rules.js';
import { type Formula, FormulaStore } from './cell-formula.js';
import type { Atom } from './collect-atoms.js';
import { leafDims, leafTruth, withValue } from './leaf-truth.js';
import type { RuleKeep } from './deciding-rules.js';
import type { DimKey } from './match-fields.js';
import type { Dim, Guard } from './request-space.js';
import { isAmbientNode, isOutsideMesh, serviceHosts, waypointPaths } from './target-proxies.js';

export interface SideState {
  readonly signature: string;
  readonly formulas: readonly Formula[];
  /** What each formula stands for (see `sideState`). */
  readonly roles: readonly string[];
}

const KEEP_ALL: RuleKeep = () => true;

/** What every side of one workload's diff shares: the dimensions and the formula store. */
export class DiffSpace {
  readonly store = new FormulaStore();
  readonly index: ReadonlyMap<DimKey, number>;
  private readonly tables = new Map<Pred, Formula>();
  private readonly tablesByKey = new Map<string, Formula>();
  private readonly attrsByDim = new Map<number, readonly RequestAttributes[]>();
  private readonly converted = new Map<string, Map<Pred, Formula>>();
  private mtlsLeaf: Formula | undefined;

  constructor(
    readonly dims: readonly Dim[],
    /** Dimensions below this index are the context. */
    readonly contextEnd: number,
  ) {
    this.index = new Map(dims.map((d, i) => [d.key, i]));
  }

  /** The leaf "some atom of dimension `key` that `pick` chooses holds" (FALSE without that dimension). */
  atomLeaf(key: DimKey, pick: (a: Atom) => boolean): Formula {
    const i = this.index.get(key);
    if (i === undefined) return this.store.FALSE;
    const d = this.dims[i] as Dim;
    const chosen = d.atoms.map((a, k) => (pick(a) ? k : -1)).filter((k) => k >= 0);
    return this.store.leaf(
      i,
      d.cells.map((c) => chosen.some((k) => c.truth[k] === true)),
    );
  }

  /** The leaf "the caller has an mTLS identity". */
  mtls(): Formula {
    if (this.mtlsLeaf !== undefined) return this.mtlsLeaf;
    const i = this.index.get('identity');
    this.mtlsLeaf =
      i === undefined
        ? this.store.FALSE
        : this.store.leaf(
            i,
            (this.dims[i] as Dim).cells.map((c) => c.rep !== undefined),
          );
    return this.mtlsLeaf;
  }

  /** Formulas already built for one context and view (`key`), by predicate. */
  convertedFor(key: string): Map<Pred, Formula> {
    let m = this.converted.get(key);
    if (m === undefined) this.converted.set(key, (m = new Map()));
    return m;
  }

  /** The table of a leaf over its one open dimension (cached by what the leaf tests: it depends on nothing else). */
  table(p: Pred, dim: number): Formula {
    const hit = this.tables.get(p);
    if (hit !== undefined) return hit;
    const key = `${dim}|${leafKey(p)}`;
    let f = this.tablesByKey.get(key);
    if (f === undefined) {
      const d = this.dims[dim] as Dim;
      const values = this.cellAttributes(dim);
      const claims = p.k === K.CLAIM || p.k === K.REQUEST_PRINCIPAL;
      f = this.store.leaf(
        dim,
        d.cells.map((c, i) => (claims ? leafTruth(p, d.key, c.rep, values[i] as RequestAttributes) : evalPred(p, values[i] as RequestAttributes))),
      );
      this.tablesByKey.set(key, f);
    }
    this.tables.set(p, f);
    return f;
  }

  /** Per cell of dimension `dim`, attributes holding the cell's value and nothing else. */
  private cellAttributes(dim: number): readonly RequestAttributes[] {
    let out = this.attrsByDim.get(dim);
    if (out === undefined) {
      const d = this.dims[dim] as Dim;
      out = d.cells.map((c) => withValue(EMPTY_ATTRIBUTES, d.key, c.rep));
      this.attrsByDim.set(dim, out);
    }
    return out;
  }
}

const EMPTY_ATTRIBUTES: RequestAttributes = {
  http: true,
  peer: undefined,
  sourceIp: undefined,
  remoteIp: undefined,
  destinationIp: undefined,
  port: undefined,
  sni: undefined,
  method: undefined,
  path: undefined,
  host: undefined,
  headers: new Map(),
  jwt: undefined,
};

const leafKeys = new WeakMap<Pred, string>();

/** What a leaf tests, as a string: equal keys, equal tables. */
function leafKey(p: Pred): string {
  let key = leafKeys.get(p);
  if (key === undefined) {
    const kids = p.kids === null ? '' : p.kids.map(leafKey).join(';');
    const cidr = p.cidr === null ? '' : JSON.stringify(p.cidr, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    key = `${p.k}/${p.t}/${p.s}/${p.s2}/${p.n}/${p.re === null ? '' : `${p.re.source}/${p.re.flags}`}/${cidr}/${p.path?.join('\u0000') ?? ''}(${kids})`;
    leafKeys.set(p, key);
  }
  return key;
}

/** Attributes a view fixes whatever the request says (a waypoint as the caller, mTLS disabled). */
interface View {
  readonly key: string;
  readonly fixed: ReadonlyMap<DimKey, unknown>;
}
const NO_VIEW: View = { key: '', fixed: new Map() };
const NO_PEER: View = { key: 'no-peer', fixed: new Map([['identity', undefined]]) };

function isContextual(space: DiffSpace, key: DimKey): boolean {
  const i = space.index.get(key);
  return i === undefined || i < space.contextEnd;
}

function guardHolds(g: Guard, a: RequestAttributes): boolean {
  return g === 'always' || (g === 'http' ? a.http : a.jwt !== undefined);
}

/** What a predicate reads of the context besides the protocol: bit 1 the token's claims, bit 2 the port. */
const contextReads = new WeakMap<Pred, number>();

function readsOfContext(p: Pred): number {
  const hit = contextReads.get(p);
  if (hit !== undefined) return hit;
  let bits = p.k === K.CLAIM || p.k === K.REQUEST_PRINCIPAL ? 1 : p.k === K.PORT ? 2 : 0;
  if (p.k === K.AND || p.k === K.OR || p.k === K.NOT) for (const k of p.kids ?? []) bits |= readsOfContext(k);
  contextReads.set(p, bits);
  return bits;
}

/** The attributes a context fixes under one view, with a formula memo per part of it a predicate reads. */
interface Context {
  readonly a: RequestAttributes;
  readonly view: View;
  readonly memos: readonly Map<Pred, Formula>[];
}

function contextFor(space: DiffSpace, a: RequestAttributes, view: View): Context {
  const base = `${view.key}|${a.http ? 1 : 0}`;
  const jwt = a.jwt === undefined ? '-' : JSON.stringify(a.jwt);
  const port = String(a.port ?? '');
  return { a, view, memos: [0, 1, 2, 3].map((bits) => space.convertedFor(`${base}|${bits & 2 ? port : ''}|${bits & 1 ? jwt : ''}`)) };
}

/** A rule predicate as a formula, the context being fixed in `ctx.a` and the view's dimensions. */
function toFormula(space: DiffSpace, p: Pred, ctx: Context): Formula {
  const memo = ctx.memos[readsOfContext(p)] as Map<Pred, Formula>;
  const hit = memo.get(p);
  if (hit !== undefined) return hit;
  const f = convert(space, p, ctx);
  memo.set(p, f);
  return f;
}

function convert(space: DiffSpace, p: Pred, ctx: Context): Formula {
  const s = space.store;
  const { a, view } = ctx;
  switch (p.k) {
    case K.TRUE:
      return s.TRUE;
    case K.FALSE:
      return s.FALSE;
    case K.AND:
      return s.and((p.kids ?? []).map((k) => toFormula(space, k, ctx)));
    case K.OR:
      return s.or((p.kids ?? []).map((k) => toFormula(space, k, ctx)));
    case K.NOT:
      return s.not(toFormula(space, (p.kids as readonly Pred[])[0] as Pred, ctx));
    default:
      break;
  }
  if ((p.k === K.CLAIM || p.k === K.REQUEST_PRINCIPAL) && a.jwt === undefined) return s.FALSE;
  const open: number[] = [];
  for (const key of leafDims(p)) {
    if (key === 'token' || view.fixed.has(key) || isContextual(space, key)) continue;
    const i = space.index.get(key) as number;
    if (guardHolds((space.dims[i] as Dim).guard, a)) open.push(i);
  }
  if (open.length === 0) return evalPred(p, a) ? s.TRUE : s.FALSE;
  if (open.length > 1) throw new Error(`diff: a leaf reads ${open.length} open dimensions`);
  const dim = open[0] as number;
  if (p.k === K.REQUEST_PRINCIPAL) {
    // The issuer is part of the context: only the subject is open.
    const iss = a.jwt?.['iss'];
    const issOk = typeof iss === 'string' && testString((p.kids as readonly Pred[])[0] as Pred, iss);
    return issOk ? space.table(p, dim) : s.FALSE;
  }
  return space.table(p, dim);
}

function viewAttributes(a: RequestAttributes, view: View): RequestAttributes {
  let out = a;
  for (const [k, v] of view.fixed) out = withValue(out, k, v);
  return out;
}

function rulesOf(list: readonly CompiledAuthorizationPolicy[], tcp: boolean, keep: RuleKeep): Pred[] {
  const out: Pred[] = [];
  for (const c of list) {
    // Checked first: a policy's TCP form is compiled on first use.
    if (!keep(c, -1)) continue;
    for (const r of (tcp ? c.tcp : c.http).rules) if (keep(c, r.index)) out.push(r.match);
  }
  return out;
}

function anyRule(space: DiffSpace, preds: readonly Pred[], a: RequestAttributes, view: View): Formula {
  const ctx = contextFor(space, a, view);
  return space.store.or(preds.map((p) => toFormula(space, p, ctx)));
}

function ztunnelFormula(space: DiffSpace, policies: readonly CompiledAuthorizationPolicy[], a: RequestAttributes, view: View, keep: RuleKeep): Formula {
  const s = space.store;
  const ctx = contextFor(space, a, view);
  const rules: Formula[] = [];
  for (const c of policies) {
    if (!keep(c, -1)) continue;
    const z: ZtunnelPolicy | undefined = c.ztunnel;
    for (const rule of z?.rules ?? []) {
      if (!keep(c, rule.index)) continue;
      rules.push(s.and(rule.clauses.map((clause) => (clause.length === 0 ? s.TRUE : s.or(clause.filter((m) => !m.empty).map((m) => toFormula(space, m.test, ctx)))))));
    }
  }
  return s.or(rules);
}

/** Attributes the context fixes; every open dimension is absent. */
function contextAttributes(request: AccessRequest, jwtRules: readonly MergedJwtRule[], port: number | undefined): { attrs: RequestAttributes; outcome: string } {
  const http = request.to.protocol !== 'tcp';
  const outcome = http ? authenticateJwt(jwtRules, request.jwt) : undefined;
  const attrs: RequestAttributes = { ...EMPTY_ATTRIBUTES, http, port, jwt: outcome?.kind === 'valid' ? outcome.payload : undefined };
  return { attrs, outcome: outcome?.kind ?? 'tcp' };
}

function providerSignature(c: CompiledMesh, e: EnvoyPolicies): unknown {
  if (e.custom.length === 0) return null;
  return e.customProviders.map((name) => {
    const info = c.providers.get(name);
    return info === undefined ? [name, 'missing'] : [name, info.kind, info.error ?? ''];
  });
}

/** The roles of an Envoy proxy's layers, in `envoyLayers` order. */
export const ENVOY_ROLES = ['custom-all', 'custom', 'deny', 'allow'] as const;

/** The layers of one Envoy proxy (sidecar, gateway or waypoint), in ENVOY_ROLES order. */
function envoyLayers(space: DiffSpace, c: CompiledMesh, e: EnvoyPolicies, request: AccessRequest, port: number | undefined, view: View, keep: RuleKeep): { signature: unknown[]; formulas: Formula[] } {
  const tcp = request.to.protocol === 'tcp';
  const { attrs, outcome } = contextAttributes(request, e.jwtRules, port);
  const withJwt = viewAttributes(attrs, view);
  // CUSTOM runs before authentication: it never sees the token's claims.
  const noJwt = { ...withJwt, jwt: undefined };
  const layer = (policies: readonly CompiledAuthorizationPolicy[], a: RequestAttributes): Formula => anyRule(space, rulesOf(policies, tcp, keep), a, view);
  const enforced = (policies: readonly CompiledAuthorizationPolicy[]): CompiledAuthorizationPolicy[] => policies.filter((x) => !x.dryRun);
  return {
    signature: [outcome, providerSignature(c, e), e.allowEnforced.length > 0],
    formulas: [layer(e.custom, noJwt), layer(enforced(e.custom), noJwt), layer(enforced(e.deny), withJwt), layer(e.allowEnforced, withJwt)],
  };
}

/**
 * What `sideState` reads of `request`: the filter chain, the port, and the outcome of each token
 * check on the way (Envoy's, or each waypoint's). Requests with equal keys get equal states.
 */
export function sideStateKey(c: CompiledMesh, t: ProxyTarget, request: AccessRequest): string {
  const tcp = request.to.protocol === 'tcp';
  let outcomes = '';
  if (!tcp && (t.dataplane !== 'none' || t.isGateway || t.isWaypoint)) {
    const ruleSets = isAmbientNode(t) ? waypointPaths(c, t).map((w) => w.policies.jwtRules) : [c.envoyPolicies(t).jwtRules];
    for (const rules of ruleSets) {
      const o = authenticateJwt(rules, request.jwt);
      outcomes += `|${o.kind === 'valid' ? JSON.stringify(o.payload) : o.kind}`;
    }
  }
  return `${tcp ? 'tcp' : 'http'}|${request.to.port ?? ''}${outcomes}`;
}

/**
 * The state of `target` in `c` for the context of `request` (its open fields are ignored), reading
 * only the rules `keep` keeps. Roles: at an Envoy proxy `reject` (STRICT mTLS), then ENVOY_ROLES; for
 * an ambient workload, per waypoint path (`waypoint:<ns>/<service>:`) `route` and the waypoint's
 * ENVOY_ROLES and ztunnel's `ztunnel-deny` and `ztunnel-allow` behind it, each masked by the route,
 * then `ztunnel:reject`, `ztunnel:deny` and `ztunnel:allow` masked by "no route". Not `routed`: the
 * routes are over-approximated (every mTLS request on every path, every request directly).
 */
export function sideState(space: DiffSpace, c: CompiledMesh, t: ProxyTarget, request: AccessRequest, keep: RuleKeep = KEEP_ALL, routed = true): SideState {
  const port = request.to.port;
  const s = space.store;
  if (isOutsideMesh(t)) return { signature: '"none"', formulas: [], roles: [] };
  if (!isAmbientNode(t)) {
    // An Envoy proxy: STRICT mTLS rejects plaintext first, then CUSTOM, JWT, DENY, ALLOW.
    const mode = t.isGateway ? 'gateway' : t.isWaypoint ? 'STRICT' : mtlsForPort(c.peerAuthentication(t), port).mode;
    const view = mode === 'DISABLE' ? NO_PEER : NO_VIEW;
    const layers = envoyLayers(space, c, c.envoyPolicies(t), request, port, view, keep);
    const reject = mode === 'STRICT' ? s.not(space.mtls()) : s.FALSE;
    return { signature: JSON.stringify(['envoy', mode, ...layers.signature]), formulas: [reject, ...layers.formulas], roles: ['reject', ...ENVOY_ROLES] };
  }
  // Ambient: an mTLS request whose host names a Service with a waypoint goes through that waypoint
  // (its layers on the Service port, then ztunnel with the waypoint as the caller); anything else
  // reaches ztunnel directly. Each path's formulas are masked by the condition that selects it, so
  // a path a request does not take cannot tell two meshes apart.
  const mode = mtlsForPort(c.peerAuthentication(t), port).mode;
  const z = c.ztunnelPolicies(t);
  const { attrs } = contextAttributes({ ...request, to: { ...request.to, protocol: 'tcp' } }, [], port);
  const mtls = space.mtls();
  const ownNamespace = space.atomLeaf('identity', (a) => a.field === 'namespaces' && a.patterns.length === 1 && a.patterns[0] === t.namespace);
  const signature: unknown[] = ['ztunnel', mode, z.allow.length > 0];
  const formulas: Formula[] = [];
  const roles: string[] = [];
  const routes: Formula[] = [];
  for (const { service, waypoint, policies } of waypointPaths(c, t)) {
    const hosts = serviceHosts(service);
    const short = new Set(hosts.short);
    const qualified = new Set(hosts.qualified);
    const named = (set: ReadonlySet<string>) => (a: Atom) => a.field === 'hosts' && a.patterns.length === 1 && set.has(a.patterns[0] as string);
    // Unrouted (edit-relevance.ts): any mTLS request may take any path, and any request the direct one.
    const route = routed ? s.and([mtls, s.or([s.and([space.atomLeaf('host', named(short)), ownNamespace]), space.atomLeaf('host', named(qualified))])]) : mtls;
    routes.push(route);
    const servicePort = service.ports.find((p) => targetPortOf(p, t) === port)?.port ?? port;
    const layers = envoyLayers(space, c, policies, request, servicePort, NO_VIEW, keep);
    const caller = `${c.trustDomain}/ns/${waypoint.namespace}/sa/${waypoint.serviceAccount}`;
    const wpView: View = {
      key: `waypoint:${caller}`,
      fixed: new Map<DimKey, unknown>([
        ['identity', peerFromPrincipal(caller)],
        ['ip:source', undefined],
        ['ip:remote', undefined],
      ]),
    };
    const wpAttrs = viewAttributes(attrs, wpView);
    signature.push([service.name, waypoint.key, servicePort, ...layers.signature]);
    const path = [...layers.formulas, ztunnelFormula(space, z.deny, wpAttrs, wpView, keep), ztunnelFormula(space, z.allow, wpAttrs, wpView, keep)];
    formulas.push(route, ...path.map((f) => s.and([route, f])));
    const prefix = `waypoint:${service.namespace}/${service.name}:`;
    roles.push(`${prefix}route`, ...ENVOY_ROLES.map((r) => `${prefix}${r}`), `${prefix}ztunnel-deny`, `${prefix}ztunnel-allow`);
  }
  const direct = routed ? s.not(s.or(routes)) : s.TRUE;
  const reject = mode === 'STRICT' ? s.not(mtls) : s.FALSE;
  const ztunnel = [reject, ztunnelFormula(space, z.deny, attrs, NO_VIEW, keep), ztunnelFormula(space, z.allow, attrs, NO_VIEW, keep)];
  formulas.push(...ztunnel.map((f) => s.and([direct, f])));
  roles.push('ztunnel:reject', 'ztunnel:deny', 'ztunnel:allow');
  return { signature: JSON.stringify(signature), formulas, roles };
}
