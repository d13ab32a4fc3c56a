// The exact access diff of one destination workload, given the rules of each mesh to read (all its
// deciding rules, or those an edit can reach: edit-relevance.ts). The request space is cut into cells
// (request-space.ts) from the atoms of both sides, limited to the ports the workload exposes and the
// protocols each can carry (target-structure.ts), and the class search (class-search.ts) finds the
// classes of requests whose decision differs, evaluating each distinct state once in each mesh with
// evaluateRequest on its representative. Those classes are merged into boxes (products of cell sets)
// and written as `match` objects with a witness request. A workload present in one mesh only is diffed
// against nothing: no request reaches a workload that does not exist (DENY). Pure: no I/O, no clock.
import type { AccessRequest } from '../evaluate/access-request.js';
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { DecisionKind } from '../evaluate/decision.js';
import { evaluateRequest } from '../evaluate/evaluate-request.js';
import { type Box, inBox, mergeBoxes, overlaps, renderBox } from './class-boxes.js';
import { nicest, requestOf } from './class-request.js';
import { searchChangedClasses } from './class-search.js';
import { keepRules, type RuleKeep, type RuleRef } from './deciding-rules.js';
import { describeChange } from './describe-change.js';
import type { DiffMatch } from './diff-match.js';
import type { Dim } from './request-space.js';
import { type SideState, sideState, sideStateKey } from './side-formulas.js';
import { workloadSpace } from './workload-space.js';

export interface DiffChange {
  readonly workload: { readonly namespace: string; readonly name: string };
  readonly before: DecisionKind;
  readonly after: DecisionKind;
  /** The workload exists only in this mesh: `gic check` on the other one answers that it does not exist. */
  readonly onlyIn?: 'before' | 'after';
  readonly match: DiffMatch;
  readonly witness: AccessRequest;
  readonly summary: string;
}

export interface DiffStats {
  workloadsCompared: number;
  classesEvaluated: number;
  /** Workload classes diffed (each once, for all its members). */
  workloadClasses: number;
  /** Common rules left out of a workload's diff because the edit cannot reach them (edit-relevance.ts). */
  rulesLeftOut: number;
  /** Workloads whose changed rules the masks cover entirely: no decision changes. */
  unchangedByMasks: number;
}

/** One workload's diff: its target in each mesh (undefined where it does not exist) and the rules to read. */
export interface ClassProblem {
  readonly before: ProxyTarget | undefined;
  readonly after: ProxyTarget | undefined;
  readonly rulesBefore: readonly RuleRef[];
  readonly rulesAfter: readonly RuleRef[];
}

interface Leaf {
  readonly cells: readonly number[];
  readonly groups: Box;
  readonly before: DecisionKind;
  readonly after: DecisionKind;
}

const ABSENT: SideState = { signature: '"absent"', formulas: [], roles: [] };

/** The changes of one workload (the problem's target in `after`, else in `before`). */
export function diffClass(before: CompiledMesh, after: CompiledMesh, problem: ClassProblem, stats?: DiffStats): DiffChange[] {
  const { before: tB, after: tA } = problem;
  const target = (tA ?? tB) as ProxyTarget;
  const { space, dims, atoms, exposure, portIndex: portI, protocolIndex: protocolI, applies, admits } = workloadSpace(before, after, tB, tA, problem.rulesBefore, problem.rulesAfter);
  const keepBefore = keepRules(problem.rulesBefore);
  const keepAfter = keepRules(problem.rulesAfter);
  const statesBefore = new Map<string, SideState>();
  const statesAfter = new Map<string, SideState>();
  const stateOf = (states: Map<string, SideState>, c: CompiledMesh, t: ProxyTarget | undefined, keep: RuleKeep, request: AccessRequest): SideState => {
    if (t === undefined) return ABSENT;
    const key = sideStateKey(c, t, request);
    let state = states.get(key);
    if (state === undefined) states.set(key, (state = sideState(space, c, t, request, keep)));
    return state;
  };
  const decide = (c: CompiledMesh, t: ProxyTarget | undefined, request: AccessRequest): DecisionKind => (t === undefined ? 'DENY' : evaluateRequest(c, request, { trace: false }).decision);
  const found = searchChangedClasses({
    space,
    applies,
    nicest,
    admits,
    sides: (cells, groups) => {
      const request = requestOf(target, dims, cells, groups);
      return [stateOf(statesBefore, before, tB, keepBefore, request), stateOf(statesAfter, after, tA, keepAfter, request)];
    },
    evaluate: (cells, groups) => {
      const request = requestOf(target, dims, cells, groups);
      return [decide(before, tB, request), decide(after, tA, request)];
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
  // The class's ports carry no other protocol than the box holds.
  const protocolsImplied = (box: Box): boolean => {
    const protocols = box[protocolI];
    if (exposure === undefined || protocols === null || protocols === undefined) return false;
    const portCells = box[portI] ?? null;
    const cellsOfPort = portCells === null ? (dims[portI] as Dim).cells.map((_, i) => i) : [...portCells];
    return cellsOfPort.every((c) => (exposure.get(dims[portI]?.cells[c]?.rep as number) ?? []).every((p) => [...protocols].some((x) => dims[protocolI]?.cells[x]?.key === p)));
  };
  const workload = { namespace: target.namespace, name: target.name };
  const onlyIn = tB === undefined ? ({ onlyIn: 'after' } as const) : tA === undefined ? ({ onlyIn: 'before' } as const) : {};
  const changes: DiffChange[] = [];
  for (const group of byOutcome.values()) {
    const first = group[0] as Leaf;
    const merged = mergeBoxes(
      group.map((l) => [...l.groups]),
      dims,
    );
    // A box whose ports carry no other protocol than it holds says nothing of protocols (null): boxes
    // then differing only in their ports merge ("ports other than 9090", not one change per protocol).
    const implied = merged.map((b) => (protocolsImplied(b) ? b.map((set, i) => (i === protocolI ? null : set)) : b));
    const boxes = implied.some((b, i) => b !== merged[i]) ? mergeBoxes(implied, dims) : merged;
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
          ...onlyIn,
          match: r.match,
          witness: requestOf(target, dims, cells, leaf.groups),
          summary: describeChange(workload, first.before, first.after, r.match, onlyIn.onlyIn),
        });
      }
    }
  }
  return changes;
}

/** The changes of one workload, re-targeted to another workload of its class (same match, witness to it). */
export function retarget(changes: readonly DiffChange[], workload: { readonly namespace: string; readonly name: string }): DiffChange[] {
  return changes.map((c) => ({
    ...c,
    workload,
    witness: { ...c.witness, to: { ...c.witness.to, namespace: workload.namespace, workload: workload.name } },
    summary: describeChange(workload, c.before, c.after, c.match, c.onlyIn),
  }));
}

