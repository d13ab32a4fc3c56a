// The exact access diff between two meshes (cli.md "gic diff"). Per destination workload whose
// applicable policies, mTLS/JWT configuration, Services or MeshConfig differ, the request space is cut
// into cells (request-space.ts) from the atoms of EITHER mesh, and the class search (class-search.ts)
// finds the classes of requests whose decision differs, evaluating each distinct state once in each
// mesh with evaluateRequest on its representative. Those classes are merged into boxes (products of
// cell sets) and written as `match` objects with a witness request. Pure: no I/O, no clock.
import type { AccessRequest, JwtClaims } from '../evaluate/access-request.js';
import { compileMesh, type CompiledMesh, type ProxyTarget } from '../evaluate/compile-mesh.js';
import type { DecisionKind } from '../evaluate/decision.js';
import { evaluateRequest } from '../evaluate/evaluate-request.js';
import type { IpAddress } from '../evaluate/ip-matcher.js';
import type { PeerIdentity } from '../evaluate/request-attributes.js';
import type { AuthorizationPolicy, Mesh } from '../resources/mesh.js';
import { searchChangedClasses } from './class-search.js';
import { collectAtoms, newTargetAtoms, relevantJwtRules, relevantPolicies, servicesOf, waypointNamespaces } from './collect-atoms.js';
import { changeKind, describeChange } from './describe-change.js';
import type { DiffMatch, MatchCondition } from './diff-match.js';
import { fieldPlace, notField } from './match-fields.js';
import { renderCells } from './render-cells.js';
import { buildDims, type Dim, OTHER_LOCATION } from './request-space.js';
import { DiffSpace, type SideState, sideState } from './side-formulas.js';

export interface DiffChange {
  readonly workload: { readonly namespace: string; readonly name: string };
  readonly before: DecisionKind;
  readonly after: DecisionKind;
  readonly match: DiffMatch;
  readonly witness: AccessRequest;
  readonly summary: string;
}

export interface DiffReport {
  readonly changes: DiffChange[];
  readonly summary: { readonly granted: number; readonly revoked: number; readonly changed: number };
}

export interface DiffStats {
  workloadsCompared: number;
  classesEvaluated: number;
}

export interface DiffOptions {
  /** Filled with counters when given. */
  readonly stats?: DiffStats;
  /** Only these workloads (`namespace/name`). */
  readonly only?: ReadonlySet<string>;
}

const policyKeys = new WeakMap<AuthorizationPolicy, string>();

function policyKey(p: AuthorizationPolicy): string {
  let k = policyKeys.get(p);
  if (k === undefined) {
    k = `${p.namespace}/${p.name}|${p.annotations['istio.io/dry-run'] ?? ''}|${JSON.stringify(p.spec)}`;
    policyKeys.set(p, k);
  }
  return k;
}

/** Everything that can change a decision for requests to `t`, as one comparable string (AUDIT policies never decide). */
function fingerprint(c: CompiledMesh, t: ProxyTarget): string {
  const deciding = relevantPolicies(c, t).filter((p) => p.spec.action !== 'AUDIT');
  return `${JSON.stringify(deciding.map(policyKey).sort())}${structuralFingerprint(c, t)}`;
}

/** The fingerprint without the AuthorizationPolicies. */
function structuralFingerprint(c: CompiledMesh, t: ProxyTarget): string {
  const pa = c.peerAuthentication(t);
  const nsLabels = c.namespaces.get(t.namespace)?.labels ?? {};
  return JSON.stringify([
    t.dataplane,
    t.labels,
    t.serviceAccount,
    t.isWaypoint,
    t.gatewayName ?? '',
    t.workload?.containerPorts ?? [],
    relevantJwtRules(c, t).map((r) => [r.policy, r.rule]),
    [pa.mesh, pa.namespace, pa.workload].map((p) => (p === undefined ? '' : `${p.namespace}/${p.name}:${JSON.stringify(p.spec)}`)),
    servicesOf(c, t).map((s) => [s.name, s.labels, s.ports]),
    nsLabels,
  ]);
}

type Box = (Set<number> | null)[];

interface Leaf {
  readonly cells: readonly number[];
  readonly groups: Box;
  readonly before: DecisionKind;
  readonly after: DecisionKind;
}

function jwtOf(dims: readonly Dim[], cells: readonly number[]): AccessRequest['jwt'] {
  const ti = dims.findIndex((d) => d.key === 'token');
  if (ti < 0 || (cells[ti] ?? -1) < 0) return undefined;
  const token = dims[ti]?.cells[cells[ti] as number]?.key ?? 'absent';
  if (token === 'absent') return undefined;
  if (token.startsWith('invalid')) return 'invalid';
  const loc = token.slice('valid@'.length);
  const jwt: Record<string, unknown> = {};
  if (loc === OTHER_LOCATION) jwt['header'] = 'x-gic-token';
  else if (loc.startsWith('param:')) jwt['param'] = loc.slice('param:'.length);
  else if (loc !== 'header:authorization') jwt['header'] = loc.slice('header:'.length);
  const claims: Record<string, unknown> = {};
  dims.forEach((d, i) => {
    if (!d.key.startsWith('claim:') || (cells[i] ?? -1) < 0) return;
    const path = JSON.parse(d.key.slice('claim:'.length)) as string[];
    const rep = d.cells[cells[i] as number]?.rep as string[];
    if (rep.length === 0) return;
    const top = path.length === 1 ? path[0] : undefined;
    if (top === 'iss' || top === 'sub' || top === 'azp') jwt[top] = rep[0];
    else if (top === 'aud') jwt['aud'] = rep;
    else {
      let cur = claims;
      path.slice(0, -1).forEach((p) => {
        const next = (cur[p] ??= {}) as Record<string, unknown>;
        cur = next;
      });
      cur[path[path.length - 1] as string] = rep;
    }
  });
  if (Object.keys(claims).length > 0) jwt['claims'] = claims;
  return jwt as JwtClaims;
}

function ipText(ip: IpAddress): string {
  if (!ip.v6) return [24, 16, 8, 0].map((s) => String(Math.floor(ip.v4 / 2 ** s) % 256)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((ip.v6n >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}

/** The representative request of one class. */
function requestOf(t: ProxyTarget, dims: readonly Dim[], cells: readonly number[], groups?: readonly (ReadonlySet<number> | readonly number[] | null)[]): AccessRequest {
  const rep = (key: string): unknown => {
    const i = dims.findIndex((d) => d.key === key);
    if (i < 0 || (cells[i] ?? -1) < 0) return undefined;
    return dims[i]?.cells[cells[i] as number]?.rep;
  };
  const protocol = rep('protocol') as 'http' | 'grpc' | 'tcp';
  const identity = rep('identity') as PeerIdentity | undefined;
  const req: Record<string, unknown> = {
    to: { namespace: t.namespace, workload: t.name, port: rep('port') as number, protocol },
    from: identity !== undefined ? { principal: identity.principal } : { plaintext: true },
  };
  const src = rep('ip:source') as IpAddress | undefined;
  const remote = rep('ip:remote') as IpAddress | undefined;
  const dst = rep('ip:destination') as IpAddress | undefined;
  if (src !== undefined) req['sourceIp'] = ipText(src);
  // An unconstrained remote address stays unset: it defaults to the source address.
  const remI = dims.findIndex((d) => d.key === 'ip:remote');
  if (remote !== undefined && !(groups !== undefined && remI >= 0 && groups[remI] === null)) req['remoteIp'] = ipText(remote);
  if (dst !== undefined) req['destinationIp'] = ipText(dst);
  // The host also addresses a Service on TCP (ambient waypoint routing).
  const host = rep('host') as string | undefined;
  if (host !== undefined) req['host'] = host;
  const sni = rep('sni') as string | undefined;
  if (sni !== undefined && sni !== '') req['sni'] = sni;
  if (protocol !== 'tcp') {
    req['method'] = (rep('method') as string | undefined) ?? (protocol === 'grpc' ? 'POST' : 'GET');
    req['path'] = (rep('path') as string | undefined) ?? '/';
    const headers: Record<string, string> = {};
    dims.forEach((d, i) => {
      if (!d.key.startsWith('header:') || (cells[i] ?? -1) < 0) return;
      const v = d.cells[cells[i] as number]?.rep;
      if (typeof v === 'string') headers[d.key.slice('header:'.length)] = v;
    });
    if (Object.keys(headers).length > 0) req['headers'] = headers;
    const jwt = jwtOf(dims, cells);
    if (jwt !== undefined) req['jwt'] = jwt;
  }
  return req as AccessRequest;
}

/** Whether dimension `d` applies given the protocol and token cells: HTTP fields, then JWT claims. */
function appliesFor(dims: readonly Dim[]): (d: Dim, cells: readonly number[]) => boolean {
  const pi = dims.findIndex((x) => x.key === 'protocol');
  const ti = dims.findIndex((x) => x.key === 'token');
  return (d, cells) => {
    if (d.guard === 'always') return true;
    if (dims[pi]?.cells[cells[pi] as number]?.key === 'tcp') return false;
    if (d.guard === 'http') return true;
    return ti >= 0 && (dims[ti]?.cells[cells[ti] as number]?.key.startsWith('valid@') ?? false);
  };
}

/** The cell of a group whose representative reads best in a witness (absent, GET, `/`, short). */
function nicest(d: Dim, group: readonly number[]): number {
  let best = group[0] as number;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of group) {
    const rep = d.cells[c]?.rep;
    const score = rep === undefined && d.key === 'ip:remote' ? 50 : rep === undefined || rep === '' ? 0 : rep === 'GET' || rep === '/' ? 1 : typeof rep === 'string' ? 2 + rep.length : 100;
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** A small number per distinct set of cells (equal sets, equal numbers), so box keys stay short. */
function setIdsOf(): (s: Set<number>) => number {
  const bySet = new WeakMap<Set<number>, number>();
  const byContent = new Map<string, number>();
  return (s) => {
    let id = bySet.get(s);
    if (id === undefined) {
      const content = [...s].sort((a, b) => a - b).join(',');
      id = byContent.get(content);
      if (id === undefined) byContent.set(content, (id = byContent.size));
      bySet.set(s, id);
    }
    return id;
  };
}

function boxKey(box: Box, skip: number, setId: (s: Set<number>) => number): string {
  let key = '';
  for (let i = 0; i < box.length; i++) {
    const s = box[i];
    key += i === skip ? '*|' : s === null || s === undefined ? 'A|' : `${setId(s)}|`;
  }
  return key;
}

/** Merges disjoint boxes that differ in one dimension, until nothing merges. */
function mergeBoxes(boxes: Box[], dims: readonly Dim[]): Box[] {
  const setId = setIdsOf();
  let cur = boxes;
  for (let changed = true; changed; ) {
    changed = false;
    for (let d = dims.length - 1; d >= 0; d--) {
      const groups = new Map<string, Box[]>();
      for (const b of cur) {
        const k = boxKey(b, d, setId);
        const g = groups.get(k);
        if (g === undefined) groups.set(k, [b]);
        else g.push(b);
      }
      if (groups.size === cur.length) continue;
      const next: Box[] = [];
      for (const g of groups.values()) {
        if (g.length === 1) {
          next.push(g[0] as Box);
          continue;
        }
        changed = true;
        const merged = [...(g[0] as Box)];
        let union: Set<number> | null = new Set();
        for (const b of g) {
          const s = b[d];
          if (s === null || s === undefined || union === null) union = null;
          else for (const x of s) union.add(x);
        }
        if (union !== null && union.size === (dims[d] as Dim).cells.length) union = null;
        merged[d] = union;
        next.push(merged);
      }
      cur = next;
    }
  }
  return cur;
}

function overlaps(box: Box, groups: Box): boolean {
  return box.every((s, i) => {
    const g = groups[i];
    if (s === null || g === null || g === undefined) return true;
    for (const x of s) if (g.has(x)) return true;
    return false;
  });
}

function inBox(box: Box, cells: readonly number[]): boolean {
  return box.every((s, i) => s === null || s.has(cells[i] as number));
}

interface Rendered {
  readonly match: DiffMatch;
  readonly box: Box;
}

/** Box -> match objects (a box whose cell set one field pair cannot say is split on that dimension). */
function renderBox(box: Box, dims: readonly Dim[], tokenLocations: readonly string[]): Rendered[] {
  const match: { ports?: string[]; protocols?: ('http' | 'grpc' | 'tcp')[]; token?: { in: string[]; readBy: string[] }; from: Record<string, string[]>; to: Record<string, string[]>; when: MatchCondition[]; also: { field: string; values: string[] }[] } = {
    from: {},
    to: {},
    when: [],
    also: [],
  };
  for (let i = 0; i < dims.length; i++) {
    const s = box[i];
    const d = dims[i] as Dim;
    if (s === null || s === undefined) continue;
    if (d.key === 'protocol') {
      match.protocols = [...s].sort((a, b) => a - b).map((c) => d.cells[c]?.key as 'http' | 'grpc' | 'tcp');
      continue;
    }
    if (d.key === 'token') {
      match.token = { in: [...s].sort((a, b) => a - b).map((c) => d.cells[c]?.key as string), readBy: [...tokenLocations] };
      continue;
    }
    const r = renderCells(d, s);
    if (r === undefined) {
      return [...s].sort((a, b) => a - b).flatMap((c) => {
        const sub = [...box];
        sub[i] = new Set([c]);
        return renderBox(sub, dims, tokenLocations);
      });
    }
    for (const f of r.fields) {
      const place = fieldPlace(f.field);
      if (place === 'ports') {
        if (f.values !== undefined) match.ports = [...f.values];
        if (f.notValues !== undefined) match.to['notPorts'] = [...f.notValues];
      } else if (place === 'from' || place === 'to') {
        const part = match[place];
        if (f.values !== undefined) part[f.field] = [...(part[f.field] ?? []), ...f.values];
        if (f.notValues !== undefined) part[notField(f.field)] = [...(part[notField(f.field)] ?? []), ...f.notValues];
      } else {
        match.when.push({ key: f.field, ...(f.values !== undefined ? { values: [...f.values] } : {}), ...(f.notValues !== undefined ? { notValues: [...f.notValues] } : {}) });
      }
    }
    for (const a of r.also) match.also.push({ field: a.field, values: [...a.values] });
  }
  const out: DiffMatch = {
    ...(match.ports !== undefined ? { ports: match.ports } : {}),
    ...(match.protocols !== undefined ? { protocols: match.protocols } : {}),
    ...(match.token !== undefined ? { token: match.token } : {}),
    ...(Object.keys(match.from).length > 0 ? { from: match.from } : {}),
    ...(Object.keys(match.to).length > 0 ? { to: match.to } : {}),
    when: match.when,
    ...(match.also.length > 0 ? { also: match.also } : {}),
  };
  return [{ match: out, box }];
}

function diffTarget(before: CompiledMesh, after: CompiledMesh, tB: ProxyTarget, tA: ProxyTarget, stats: DiffStats | undefined): DiffChange[] {
  const atoms = newTargetAtoms();
  collectAtoms(atoms, before, tB);
  collectAtoms(atoms, after, tA);
  const pathModes = [...new Set([before.mesh.meshConfig.pathNormalization, after.mesh.meshConfig.pathNormalization])];
  const built = buildDims(atoms, { trustDomains: [...new Set([...before.bundle.trustDomains, ...after.bundle.trustDomains])], pathModes });
  // The context first: protocol, port and token (guards read them), then the issuer and audiences
  // (whether a token is accepted); the rest in their built order.
  const rank = (d: Dim): number => (d.key === 'protocol' ? 0 : d.key === 'port' ? 1 : d.key === 'token' ? 2 : d.key === 'claim:["iss"]' || d.key === 'claim:["aud"]' ? 3 : 4);
  const dims = built.map((d, i) => ({ d, i })).sort((x, y) => rank(x.d) - rank(y.d) || x.i - y.i).map((x) => x.d);
  const space = new DiffSpace(dims, dims.filter((d) => rank(d) < 4).length);
  const sidesByContext = new Map<string, readonly [SideState, SideState]>();
  const found = searchChangedClasses({
    space,
    applies: appliesFor(dims),
    nicest,
    sides: (cells, groups) => {
      const request = requestOf(tA, dims, cells, groups);
      // HTTP and gRPC read the same rules: one state per filter chain, port and token.
      const key = `${request.to.protocol === 'tcp' ? 'tcp' : 'http'}|${request.to.port ?? ''}|${JSON.stringify(request.jwt ?? null)}`;
      let pair = sidesByContext.get(key);
      if (pair === undefined) sidesByContext.set(key, (pair = [sideState(space, before, tB, request), sideState(space, after, tA, request)]));
      return pair;
    },
    evaluate: (cells, groups) => {
      const request = requestOf(tA, dims, cells, groups);
      return [evaluateRequest(before, request, { trace: false }).decision, evaluateRequest(after, request, { trace: false }).decision];
    },
    onEvaluate: stats === undefined ? undefined : () => void stats.classesEvaluated++,
  });
  const leaves: Leaf[] = found.map((c) => ({ cells: c.cells, groups: c.groups.map((g) => (g === null ? null : new Set(g))), before: c.before, after: c.after }));
  const byOutcome = new Map<string, Leaf[]>();
  for (const l of leaves) {
    const k = `${l.before}>${l.after}`;
    const g = byOutcome.get(k);
    if (g === undefined) byOutcome.set(k, [l]);
    else g.push(l);
  }
  const tokenLocations = [...atoms.tokenLocations].sort();
  const workload = { namespace: tA.namespace, name: tA.name };
  const changes: DiffChange[] = [];
  for (const group of byOutcome.values()) {
    const first = group[0] as Leaf;
    const boxes = mergeBoxes(
      group.map((l) => [...l.groups]),
      dims,
    );
    for (const box of boxes) {
      for (const r of renderBox(box, dims, tokenLocations)) {
        const leaf = group.find((l) => inBox(r.box, l.cells)) ?? (group.find((l) => overlaps(r.box, l.groups)) as Leaf);
        const cells = leaf.cells.map((c, i) => {
          const want = r.box[i];
          if (want === null || want === undefined || c < 0 || want.has(c)) return c;
          const g = leaf.groups[i];
          return nicest(dims[i] as Dim, [...want].filter((x) => g === null || g === undefined || g.has(x)));
        });
        changes.push({
          workload,
          before: first.before,
          after: first.after,
          match: r.match,
          witness: requestOf(tA, dims, cells, leaf.groups),
          summary: describeChange(workload, first.before, first.after, r.match),
        });
      }
    }
  }
  return changes;
}

/** Changes in a stable order: workload, outcome, then the match as JSON. */
function sortChanges(changes: DiffChange[]): DiffChange[] {
  const keyed = changes.map((c) => ({ c, k: `${c.workload.namespace}/${c.workload.name}|${c.before}|${c.after}|${JSON.stringify(c.match)}` }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.c);
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * When the two snapshots share every object but some AuthorizationPolicies (an edit applied to a
 * snapshot), the namespaces of the policies that differ; undefined otherwise.
 */
function onlyPolicyNamespaces(before: Mesh, after: Mesh): Set<string> | undefined {
  if (!sameItems(before.workloads, after.workloads) || !sameItems(before.services, after.services) || !sameItems(before.gateways, after.gateways)) return undefined;
  if (!sameItems(before.peerAuthentications, after.peerAuthentications) || !sameItems(before.requestAuthentications, after.requestAuthentications)) return undefined;
  if (before.namespaces !== after.namespaces) return undefined;
  const inBefore = new Set(before.authorizationPolicies);
  const inAfter = new Set(after.authorizationPolicies);
  const out = new Set<string>();
  for (const p of before.authorizationPolicies) if (!inAfter.has(p)) out.add(p.namespace);
  for (const p of after.authorizationPolicies) if (!inBefore.has(p)) out.add(p.namespace);
  return out;
}

/** The exact access diff between two compiled meshes. */
export function diffCompiled(before: CompiledMesh, after: CompiledMesh, options: DiffOptions = {}): DiffReport {
  const stats = options.stats;
  const globalSame = JSON.stringify(before.mesh.meshConfig) === JSON.stringify(after.mesh.meshConfig);
  const namespaces = onlyPolicyNamespaces(before.mesh, after.mesh);
  const changes: DiffChange[] = [];
  for (const [key, tA] of after.workloads) {
    if (options.only !== undefined && !options.only.has(key)) continue;
    // Only AuthorizationPolicies changed: workloads outside their namespaces (and the root, and the
    // namespaces of the waypoints in front of them) keep every decision.
    if (globalSame && namespaces !== undefined && !namespaces.has(before.rootNamespace) && !namespaces.has(tA.namespace) && !waypointNamespaces(after, tA).some((ns) => namespaces.has(ns))) continue;
    const tB = before.workloads.get(key);
    if (tB === undefined) continue;
    if (globalSame && fingerprint(before, tB) === fingerprint(after, tA)) continue;
    if (stats !== undefined) stats.workloadsCompared++;
    changes.push(...diffTarget(before, after, tB, tA, stats));
  }
  const sorted = sortChanges(changes);
  const summary = { granted: 0, revoked: 0, changed: 0 };
  for (const c of sorted) summary[changeKind(c.before, c.after)]++;
  return { changes: sorted, summary };
}

export function diffMeshes(before: Mesh, after: Mesh, options: DiffOptions = {}): DiffReport {
  return diffCompiled(compileMesh(before), compileMesh(after), options);
}

