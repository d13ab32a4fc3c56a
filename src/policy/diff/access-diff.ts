// The exact access diff between two meshes (cli.md "gic diff"). Every workload whose structure
// (target-structure.ts) or deciding rules (deciding-rules.ts) differ between the meshes is diffed;
// workloads the edit treats alike form one class (workload-classes.ts: same structure, same rules the
// edit can reach), diffed once (class-diff.ts), and the class's changes are re-targeted to each member.
// A workload that exists in one mesh only is diffed against nothing, and its changes say `onlyIn`.
// Pure: no I/O, no clock.
import { compileMesh, type CompiledMesh } from '../evaluate/compile-mesh.js';
import type { Mesh } from '../resources/mesh.js';
import { type DiffChange, diffClass, type DiffStats, retarget } from './class-diff.js';
import { changeKind } from './describe-change.js';
import { planClasses, type WorkloadClass } from './workload-classes.js';

export type { DiffChange, DiffStats } from './class-diff.js';

export interface DiffReport {
  readonly changes: DiffChange[];
  readonly summary: { readonly granted: number; readonly revoked: number; readonly changed: number };
}

export interface DiffOptions {
  /** Filled with counters when given. */
  readonly stats?: DiffStats;
  /** Only these workloads (`namespace/name`). */
  readonly only?: ReadonlySet<string>;
  /** Diff every workload on its own instead of once per class (the reference the class sharing must equal). */
  readonly perWorkload?: boolean;
  /** See PlanOptions (workload-classes.ts). */
  readonly relevanceFrom?: number;
}

/** Changes in a stable order: workload, outcome, then the match as JSON. */
function sortChanges(changes: readonly DiffChange[]): DiffChange[] {
  const keyed = changes.map((c) => ({ c, k: `${c.workload.namespace}/${c.workload.name}|${c.before}|${c.after}|${JSON.stringify(c.match)}` }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.c);
}

/** The report of a list of changes: sorted, with the summary counts. */
export function reportOf(changes: readonly DiffChange[]): DiffReport {
  const sorted = sortChanges(changes);
  const summary = { granted: 0, revoked: 0, changed: 0 };
  for (const c of sorted) summary[changeKind(c.before, c.after)]++;
  return { changes: sorted, summary };
}

/** The changes of one class, for every member. */
export function diffWorkloadClass(before: CompiledMesh, after: CompiledMesh, cls: WorkloadClass, stats?: DiffStats): DiffChange[] {
  const [first, ...rest] = cls.members;
  if (first === undefined) return [];
  const changes = diffClass(before, after, cls.problem, stats);
  const out = [...changes];
  for (const m of rest) out.push(...retarget(changes, m));
  return out;
}

/** The exact access diff between two compiled meshes. */
export function diffCompiled(before: CompiledMesh, after: CompiledMesh, options: DiffOptions = {}): DiffReport {
  const stats = options.stats;
  const classes = planClasses(before, after, { only: options.only, perWorkload: options.perWorkload === true, relevanceFrom: options.relevanceFrom, stats });
  const changes: DiffChange[] = [];
  for (const cls of classes) changes.push(...diffWorkloadClass(before, after, cls, stats));
  return reportOf(changes);
}

export function diffMeshes(before: Mesh, after: Mesh, options: DiffOptions = {}): DiffReport {
  return diffCompiled(compileMesh(before), compileMesh(after), options);
}
