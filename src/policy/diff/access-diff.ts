// The exact access diff between two meshes (cli.md "gic diff"). Per destination workload whose
// applicable policies, mTLS/JWT configuration, Services or MeshConfig differ, the request space is cut
// into cells (request-space.ts) from the atoms of EITHER mesh, and the class search (class-search.ts)
// finds the classes of requests whose decision differs, evaluating each distinct state once in each
// mesh with evaluateRequest on its representative. Those classes are merged into boxes (products of
// cell sets) and written as `match` objects with a witness request. Pure: no I/O, no clock.
import type { AccessRequest } from '../evaluate/access-request.js';
import { compileMesh, type CompiledMesh, type ProxyTarget } from '../evaluate/compile-mesh.js';
import type { DecisionKind } from '../evaluate/decision.js';
import { evaluateRequest } from '../evaluate/evaluate-request.js';
import type { AuthorizationPolicy, Mesh } from '../resources/mesh.js';
import { type Box, inBox, mergeBoxes, overlaps, renderBox } from './class-boxes.js';
import { appliesFor, nicest, requestOf } from './class-request.js';
import { searchChangedClasses } from './class-search.js';
import { collectAtoms, newTargetAtoms, relevantJwtRules, relevantPolicies, servicesOf, waypointNamespaces } from './collect-atoms.js';
import { changeKind, describeChange } from './describe-change.js';
import type { DiffMatch } from './diff-match.js';
import { buildDims, type Dim } from './request-space.js';
import { DiffSpace, type SideState, sideState, sideStateKey } from './side-formulas.js';

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
  const pa = c.peerAuthentication(t);
  const nsLabels = c.namespaces.get(t.namespace)?.labels ?? {};
  return JSON.stringify([
    deciding.map(policyKey).sort(),
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

interface Leaf {
  readonly cells: readonly number[];
  readonly groups: Box;
  readonly before: DecisionKind;
  readonly after: DecisionKind;
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
  const statesBefore = new Map<string, SideState>();
  const statesAfter = new Map<string, SideState>();
  const stateOf = (states: Map<string, SideState>, c: CompiledMesh, t: ProxyTarget, request: AccessRequest): SideState => {
    const key = sideStateKey(c, t, request);
    let state = states.get(key);
    if (state === undefined) states.set(key, (state = sideState(space, c, t, request)));
    return state;
  };
  const found = searchChangedClasses({
    space,
    applies: appliesFor(dims),
    nicest,
    sides: (cells, groups) => {
      const request = requestOf(tA, dims, cells, groups);
      return [stateOf(statesBefore, before, tB, request), stateOf(statesAfter, after, tA, request)];
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

