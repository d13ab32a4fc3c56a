// Which deciding rules of a workload an edit can reach. The rules of the two meshes are compared by
// content (deciding-rules.ts): those in one mesh only are the changed rules, and X, the requests some
// changed rule matches, holds every request whose decision can differ. A common rule can be left out of
// the workload's diff (from both meshes) when, on every request of X where it matches, its layer's
// value cannot matter: an earlier layer already decides through a kept common rule (STRICT mTLS
// rejects, a DENY rule matches before ALLOW), or a kept common rule of the same layer matches too.
// Left out like that, the decisions on X are those of the full meshes, and outside X both meshes
// still agree: the diff stays exact (docs/diff-match.md, "Mesh scale").
//
// The kept common rules used as masks are those of the root namespace (M), which every workload
// shares; so X and what the masks leave of it per layer (Rel) are computed once per group of workloads
// that read them alike (same proxy kind, mTLS, JWT rules and waypoints, same changed rules and M), all
// groups in one space built from the atoms of the changed rules and M, without ambient routing (every
// path may be taken: a larger Rel only keeps more rules). A root rule that can never match on X is
// left out; another common rule is kept unless its bound (rule-hull.ts) misses the Rel of every layer
// it sits in. When no layer's changed rules reach past their masks, the workload's decisions do not
// change at all. Pure.
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { MergedJwtRule } from '../evaluate/jwt-authentication.js';
import { targetPortOf } from '../evaluate/protocol-inference.js';
import type { Formula } from './cell-formula.js';
import { requestOf } from './class-request.js';
import { forEachContext } from './class-search.js';
import { collectAtoms, newTargetAtoms } from './collect-atoms.js';
import { keepRules, type RuleRef } from './deciding-rules.js';
import { FormulaProjector, type Projection } from './formula-projection.js';
import type { Dim } from './request-space.js';
import { ruleFields } from './rule-fields.js';
import { type HullBox, HullBuilder, type HullMode } from './rule-hull.js';
import { type SideState, sideState, sideStateKey } from './side-formulas.js';
import { isAmbientNode, isOutsideMesh, relevantJwtRules, waypointPaths } from './target-proxies.js';
import { spaceOf, spaceOptions, type WorkloadSpace } from './workload-space.js';
import type { DiffSpace } from './side-formulas.js';

export interface ReachableRules {
  readonly before: readonly RuleRef[];
  readonly after: readonly RuleRef[];
}

/** A workload registered for relevance (EditRelevance.register). */
export interface RelevanceTicket {
  readonly group: RelevanceGroup;
  readonly changedBefore: readonly RuleRef[];
  readonly changedAfter: readonly RuleRef[];
  readonly commonBefore: readonly RuleRef[];
  readonly commonAfter: readonly RuleRef[];
}

/** A layer as relevance reads it: the layers of every waypoint path are one. */
function layerOf(role: string): string {
  if (!role.startsWith('waypoint:')) return role;
  const layer = role.slice(role.lastIndexOf(':') + 1);
  return layer.startsWith('ztunnel-') ? `waypoint-ztunnel:${layer.slice('ztunnel-'.length)}` : `waypoint:${layer}`;
}

/** Roles whose kept common rules mask `role` (an earlier deciding layer, or the layer itself). */
function maskRoles(role: string): string[] {
  const colon = role.lastIndexOf(':');
  const prefix = role.slice(0, colon + 1);
  const layer = role.slice(colon + 1);
  if (prefix === '') {
    // An Envoy proxy: STRICT mTLS rejects before anything; DENY decides before ALLOW.
    return layer === 'allow' ? ['reject', 'deny', 'allow'] : ['reject', layer];
  }
  if (prefix === 'ztunnel:') return layer === 'allow' ? ['ztunnel:reject', 'ztunnel:deny', 'ztunnel:allow'] : ['ztunnel:reject', role];
  // A waypoint path: the waypoint's DENY decides before its ALLOW and before ztunnel behind it.
  switch (layer) {
    case 'allow':
      return [`${prefix}deny`, role];
    case 'ztunnel-deny':
      return [`${prefix}deny`, role];
    case 'ztunnel-allow':
      return [`${prefix}deny`, `${prefix}ztunnel-deny`, role];
    default:
      return [role];
  }
}

function isStructural(role: string): boolean {
  return role === 'reject' || role === 'ztunnel:reject' || role.endsWith(':route');
}

/** The layers a rule sits in (as relevance names them), with the way each reads it. */
function occurrences(r: RuleRef): { layer: string; mode: HullMode }[] {
  const c = r.policy;
  const envoy = (prefix: string, http: HullMode, tcp: HullMode): { layer: string; mode: HullMode }[] => {
    const layers = c.action === 'CUSTOM' ? (c.dryRun ? ['custom-all'] : ['custom-all', 'custom']) : c.action === 'DENY' ? ['deny'] : ['allow'];
    return layers.flatMap((l) => [
      { layer: `${prefix}${l}`, mode: http },
      { layer: `${prefix}${l}`, mode: tcp },
    ]);
  };
  if (r.group === 'envoy') return envoy('', 'envoy-http', 'envoy-tcp');
  if (r.group === 'ztunnel') {
    const layer = c.action === 'DENY' ? 'deny' : 'allow';
    return [
      { layer: `ztunnel:${layer}`, mode: 'ztunnel' },
      { layer: `waypoint-ztunnel:${layer}`, mode: 'ztunnel-waypoint' },
    ];
  }
  return envoy('waypoint:', 'waypoint-http', 'waypoint-tcp');
}

function meets(box: HullBox, p: Projection): boolean {
  for (let i = 0; i < box.length; i++) {
    const b = box[i];
    if (b === null || b === undefined) continue;
    const q = p[i] as Uint8Array;
    let any = false;
    for (let c = 0; c < b.length; c++) {
      if (b[c] === 1 && q[c] === 1) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

function jwtKey(rules: readonly MergedJwtRule[]): unknown {
  return rules.map((r) => [r.rule, r.headers, r.params, r.cookies]);
}

/** What the formulas of rules read of a target without ambient routing (the group key's structure part). */
function formulaStructure(c: CompiledMesh, t: ProxyTarget, waypointRules: boolean): string {
  if (isOutsideMesh(t)) return '"none"';
  const pa = c.peerAuthentication(t);
  const ports: [string, string][] = [];
  for (const [port, v] of Object.entries(pa.workload?.spec.portLevelMtls ?? {})) if (v?.mode !== undefined && v.mode !== 'UNSET') ports.push([port, v.mode]);
  const mtls = [pa.base.mode, ports.sort((x, y) => (x[0] < y[0] ? -1 : 1))];
  if (!isAmbientNode(t)) {
    const kind = t.isGateway ? 'gateway' : t.isWaypoint ? 'waypoint' : 'sidecar';
    return JSON.stringify([kind, t.isGateway || t.isWaypoint ? null : mtls, jwtKey(relevantJwtRules(c, t))]);
  }
  // ztunnel behind a waypoint sees the waypoint's identity; the waypoint's own layers (and the Service
  // ports and tokens it reads) matter only when changed or root rules sit there.
  const paths = waypointPaths(c, t);
  const identities = [...new Set(paths.map((w) => `${w.waypoint.namespace}/${w.waypoint.serviceAccount}`))].sort();
  const detail = waypointRules ? paths.map((w) => [w.service.ports.map((p) => [p.port, targetPortOf(p, t) ?? null]), `${w.waypoint.namespace}/${w.waypoint.serviceAccount}`, jwtKey(w.policies.jwtRules)]) : identities;
  return JSON.stringify(['ambient', mtls, detail]);
}

/** One group of workloads sharing X and Rel (see the file header). */
class RelevanceGroup {
  unchanged = true;
  projX: Projection | undefined;
  readonly projRel = new Map<string, Projection>();
  readonly identityHidden: boolean;
  readonly jwt: boolean;
  /** Per rule (root or not, content): whether the group keeps it. */
  readonly kept = new Map<number, boolean>();
  /** Per distinct state of the contexts: where it holds (protocol and port cells), X and Rel per layer. */
  private readonly contexts: { protocols: Set<number>; ports: Set<number>; x: Formula; rel: Map<string, Formula> }[] = [];
  private ws: WorkloadSpace | undefined;
  private projector: FormulaProjector | undefined;

  constructor(
    readonly tB: ProxyTarget,
    readonly tA: ProxyTarget,
    readonly after: CompiledMesh,
    readonly changedB: readonly RuleRef[],
    readonly changedA: readonly RuleRef[],
    readonly root: readonly RuleRef[],
  ) {
    const pa = after.peerAuthentication(tA);
    this.identityHidden = !tA.isGateway && !tA.isWaypoint && !isAmbientNode(tA) && (pa.base.mode === 'DISABLE' || Object.values(pa.workload?.spec.portLevelMtls ?? {}).some((v) => v?.mode === 'DISABLE'));
    this.jwt = relevantJwtRules(after, tA).length > 0;
  }

  /**
   * Whether a box of a rule's bound meets X (`layer` undefined) or the Rel of `layer` in some context:
   * the box as a formula (its cell sets as leaves) and that formula are satisfiable together.
   */
  meets(box: HullBox, layer: string | undefined): boolean {
    const ws = this.ws as WorkloadSpace;
    const projector = this.projector as FormulaProjector;
    const store = ws.space.store;
    const inBox = (i: number, cells: Set<number>): boolean => {
      const b = box[i];
      if (b === null || b === undefined) return true;
      for (const c of cells) if (b[c] === 1) return true;
      return false;
    };
    let boxFormula: Formula | undefined;
    for (const ctx of this.contexts) {
      if (!inBox(ws.protocolIndex, ctx.protocols) || !inBox(ws.portIndex, ctx.ports)) continue;
      const f = layer === undefined ? ctx.x : ctx.rel.get(layer);
      if (f === undefined) continue;
      boxFormula ??= store.and(box.flatMap((b, i) => (b === null || b === undefined || i < ws.space.contextEnd ? [] : [store.leaf(i, b)])));
      if (projector.satisfiable(store.and([f, boxFormula]))) return true;
    }
    return false;
  }

  compute(before: CompiledMesh, ws: WorkloadSpace, projector: FormulaProjector): void {
    const { space, dims } = ws;
    const { tB, tA, after } = this;
    const keepB = keepRules(this.changedB);
    const keepA = keepRules(this.changedA);
    const keepRoot = keepRules(this.root);
    const protocolI = ws.protocolIndex;
    const portI = ws.portIndex;
    const cells = new Array<number>(dims.length).fill(-1);
    const groups = new Array<readonly number[] | null>(dims.length).fill(null);
    const set = (i: number, c: number): void => {
      cells[i] = c;
      groups[i] = c < 0 || (dims[i] as Dim).cells.length === 1 ? null : [c];
    };
    // The token contexts (token state, then issuer and audiences): one per distinct token outcome at
    // the target's proxies (none without JWT rules). Projections do not tell them apart (a rule's bound
    // never reads the token): every projection gets all their cells.
    const tokenDims = dims.map((_, i) => i).filter((i) => i < space.contextEnd && i !== protocolI && i !== portI);
    const tokenReps: number[][] = [];
    if (this.jwt) {
      const seen = new Set<string>();
      set(protocolI, (dims[protocolI] as Dim).cells.findIndex((c) => c.key === 'http'));
      set(portI, 0);
      forEachContext(space, ws.applies, () => true, cells, groups, () => {
        const key = sideStateKey(after, tA, requestOf(tA, dims, cells, groups));
        if (seen.has(key)) return;
        seen.add(key);
        tokenReps.push(tokenDims.map((i) => cells[i] as number));
      }, protocolI < portI ? portI + 1 : protocolI + 1);
    }
    if (tokenReps.length === 0) tokenReps.push(tokenDims.map(() => -1));
    this.ws = ws;
    this.projector = projector;
    const store = space.store;
    // First X and its masks per distinct context state, and whether any layer's changed rules reach
    // past their masks; the projections only when one does (most mesh-wide edits change nothing).
    const states = new Map<string, ContextState | null>();
    for (let p = 0; p < (dims[protocolI] as Dim).cells.length; p++) {
      const tcp = (dims[protocolI] as Dim).cells[p]?.key === 'tcp';
      for (let q = 0; q < (dims[portI] as Dim).cells.length; q++) {
        for (const rep of tcp ? [tokenDims.map(() => -1)] : tokenReps) {
          cells.fill(-1);
          groups.fill(null);
          set(protocolI, p);
          set(portI, q);
          tokenDims.forEach((i, k) => set(i, rep[k] as number));
          if (!ws.admits(cells)) continue;
          const request = requestOf(tA, dims, cells, groups);
          // Contexts a proxy reads alike (same chain, port and token outcome) have the same formulas.
          const key = sideStateKey(after, tA, request);
          let state = states.get(key);
          if (state === undefined) {
            state = this.contextState(space, projector, [sideState(space, before, tB, request, keepB, false), sideState(space, after, tA, request, keepA, false), sideState(space, after, tA, request, keepRoot, false)]);
            states.set(key, state);
          }
          if (state === null) continue;
          state.protocols.add(p);
          state.ports.add(q);
        }
      }
    }
    if (this.unchanged) return;
    const projX = projector.empty();
    const rel = new Map<string, Projection>();
    const fill = (into: Projection, st: ContextState): void => {
      for (const p of st.protocols) (into[protocolI] as Uint8Array)[p] = 1;
      for (const q of st.ports) (into[portI] as Uint8Array)[q] = 1;
      for (const i of tokenDims) (into[i] as Uint8Array).fill(1);
    };
    let reached = false;
    for (const st of states.values()) {
      if (st === null) continue;
      reached = projector.projectInto(st.x, space.contextEnd, projX) || reached;
      fill(projX, st);
      const relByLayer = new Map<string, Formula>();
      for (const [role, mask] of st.masks) {
        const layer = layerOf(role);
        let into = rel.get(layer);
        if (into === undefined) rel.set(layer, (into = projector.empty()));
        const f = store.and([st.x, store.not(mask)]);
        if (!projector.projectInto(f, space.contextEnd, into)) continue;
        fill(into, st);
        this.projRel.set(layer, into);
        relByLayer.set(layer, store.or([relByLayer.get(layer) ?? store.FALSE, f]));
      }
      this.contexts.push({ protocols: st.protocols, ports: st.ports, x: st.x, rel: relByLayer });
    }
    if (reached) this.projX = projX;
  }

  /** X and the mask of each layer of one context state (null when X is empty there); clears `unchanged` when a layer's changed rules reach past its mask. */
  private contextState(space: DiffSpace, projector: FormulaProjector, [b, a, m]: readonly [SideState, SideState, SideState]): ContextState | null {
    const store = space.store;
    const byRole = new Map<string, number>(m.roles.map((r, i) => [r, i]));
    const changed = new Map<string, Formula>();
    m.roles.forEach((r, i) => {
      if (isStructural(r)) return;
      const x = store.or([b.formulas[i] as Formula, a.formulas[i] as Formula]);
      if (x !== store.FALSE) changed.set(r, x);
    });
    const x = store.or([...changed.values()]);
    if (!projector.satisfiable(x)) return null;
    const masks = new Map<string, Formula>();
    for (const role of m.roles) if (!isStructural(role)) masks.set(role, store.or(maskRoles(role).map((r) => m.formulas[byRole.get(r) ?? -1] ?? store.FALSE)));
    if (this.unchanged) for (const [role, xr] of changed) if (projector.satisfiable(store.and([xr, store.not(masks.get(role) as Formula)]))) this.unchanged = false;
    return { x, masks, protocols: new Set(), ports: new Set() };
  }
}

/** X and the masks per layer of one context state, with the protocol and port cells where it holds. */
interface ContextState {
  readonly x: Formula;
  readonly masks: ReadonlyMap<string, Formula>;
  readonly protocols: Set<number>;
  readonly ports: Set<number>;
}

function ids(rules: readonly RuleRef[]): number[] {
  return rules.map((r) => r.id).sort((a, b) => a - b);
}

/** The rules of `rules` whose content the other side lacks (counted as multisets), and the rest. */
function split(rules: readonly RuleRef[], other: readonly RuleRef[]): { changed: RuleRef[]; common: RuleRef[] } {
  const left = new Map<number, number>();
  for (const r of other) left.set(r.id, (left.get(r.id) ?? 0) + 1);
  const changed: RuleRef[] = [];
  const common: RuleRef[] = [];
  for (const r of rules) {
    const k = r.id;
    const n = left.get(k) ?? 0;
    if (n > 0) {
      left.set(k, n - 1);
      common.push(r);
    } else changed.push(r);
  }
  return { changed, common };
}

/**
 * The rules an edit can reach, per workload of equal structure in both meshes. Register every such
 * workload first, then ask `reachable` (the groups are computed together, in one space).
 */
export class EditRelevance {
  private readonly groups = new Map<string, RelevanceGroup>();
  private hulls: HullBuilder | undefined;

  constructor(
    private readonly before: CompiledMesh,
    private readonly after: CompiledMesh,
  ) {}

  /** Registers a workload; undefined when its rules are the same in both meshes. */
  register(tB: ProxyTarget, tA: ProxyTarget, rulesB: readonly RuleRef[], rulesA: readonly RuleRef[]): RelevanceTicket | undefined {
    if (this.hulls !== undefined) throw new Error('EditRelevance: register after reachable');
    const b = split(rulesB, rulesA);
    const a = split(rulesA, rulesB);
    if (b.changed.length === 0 && a.changed.length === 0) return undefined;
    const root = this.after.rootNamespace;
    const rootA = a.common.filter((r) => r.policy.policy.namespace === root);
    const waypointRules = [...b.changed, ...a.changed, ...rootA].some((r) => r.group.startsWith('waypoint:'));
    const key = `${formulaStructure(this.after, tA, waypointRules)}|${ids(b.changed).join(',')}|${ids(a.changed).join(',')}|${ids(rootA).join(',')}`;
    let group = this.groups.get(key);
    if (group === undefined) this.groups.set(key, (group = new RelevanceGroup(tB, tA, this.after, b.changed, a.changed, rootA)));
    return { group, changedBefore: b.changed, changedAfter: a.changed, commonBefore: b.common, commonAfter: a.common };
  }

  /** The rules to read in each mesh for a registered workload; undefined when its decisions cannot change. */
  reachable(ticket: RelevanceTicket): ReachableRules | undefined {
    const hulls = this.compute();
    const g = ticket.group;
    const cache = g.kept;
    if (g.unchanged) return undefined;
    const root = this.after.rootNamespace;
    const bundle = this.after.bundle;
    const keep = (r: RuleRef): boolean => {
      const isRoot = r.policy.policy.namespace === root;
      const key = isRoot ? -1 - r.id : r.id;
      let hit = cache.get(key);
      if (hit === undefined) {
        const fields = ruleFields(r.policy.policy.spec.rules?.[r.index], { bundle, policyNamespace: r.policy.policy.namespace, literalTrustDomains: false });
        hit = occurrences(r).some(({ layer, mode }) => {
          // A root rule matters where it can match X; another where it can match its layer's Rel.
          const p = isRoot ? g.projX : g.projRel.get(layer);
          return p !== undefined && hulls.hull(fields, mode, g.identityHidden).some((box) => meets(box, p) && g.meets(box, isRoot ? undefined : layer));
        });
        cache.set(key, hit);
      }
      return hit;
    };
    return { before: [...ticket.changedBefore, ...ticket.commonBefore.filter(keep)], after: [...ticket.changedAfter, ...ticket.commonAfter.filter(keep)] };
  }

  /** Groups of workloads that shared one computation of X and Rel (statistics). */
  get groupCount(): number {
    return this.groups.size;
  }

  private compute(): HullBuilder {
    if (this.hulls !== undefined) return this.hulls;
    // One space for every group: the atoms of their changed rules and root rules (the root rules have
    // the same content in both meshes).
    const atoms = newTargetAtoms();
    for (const g of this.groups.values()) {
      collectAtoms(atoms, this.before, g.tB, g.changedB, false);
      collectAtoms(atoms, this.after, g.tA, [...g.changedA, ...g.root], false);
    }
    const options = spaceOptions(this.before, this.after, undefined);
    const ws = spaceOf(atoms, options);
    const projector = new FormulaProjector(ws.space);
    for (const g of this.groups.values()) g.compute(this.before, ws, projector);
    this.hulls = new HullBuilder(ws, options);
    return this.hulls;
  }
}
