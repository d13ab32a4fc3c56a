// The search for the classes of requests whose decision differs between two meshes, for one
// destination. The context dimensions (protocol, port, token state, issuer, audiences) are enumerated
// cell by cell; then each mesh's decision is a set of formulas (side-formulas.ts) and the remaining
// dimensions are split one at a time, only as finely as the leaves of the formulas on that dimension
// tell cells apart. Restricting the formulas to a cell gives the state below it. States are memoized
// (a decision diagram, in effect): requests that leave both meshes in the same state share one
// subtree, and a state where both meshes hold the same formulas under the same signature decides
// alike everywhere below and is dropped. At the bottom every formula is a constant: the decision is
// evaluated once per state with evaluateRequest on a representative request. Pure.
import type { DecisionKind } from '../evaluate/decision.js';
import type { Formula } from './cell-formula.js';
import type { Dim } from './request-space.js';
import type { DiffSpace, SideState } from './side-formulas.js';

export interface ChangedClass {
  /** The representative cell per dimension (-1 where the dimension does not apply). */
  readonly cells: readonly number[];
  /** The cells of the class per dimension (null: every cell). */
  readonly groups: readonly (readonly number[] | null)[];
  readonly before: DecisionKind;
  readonly after: DecisionKind;
}

export interface ClassSearch {
  readonly space: DiffSpace;
  /** Whether dimension `d` applies once the dimensions before it hold `cells`. */
  applies(d: Dim, cells: readonly number[]): boolean;
  /** The most readable cell of a group (its representative in witnesses). */
  nicest(d: Dim, group: readonly number[]): number;
  /** Whether requests of a context (the context dimensions hold `cells`) can occur at all. */
  admits(cells: readonly number[]): boolean;
  /** Both meshes' states once the context dimensions hold `cells`. */
  sides(cells: readonly number[], groups: readonly (readonly number[] | null)[]): readonly [SideState, SideState];
  /** Both decisions for the request of a complete class. */
  evaluate(cells: readonly number[], groups: readonly (readonly number[] | null)[]): readonly [DecisionKind, DecisionKind];
  /** Called once per evaluated class (statistics). */
  readonly onEvaluate?: () => void;
}

interface Suffix {
  readonly cells: readonly number[];
  readonly groups: readonly (readonly number[] | null)[];
  readonly before: DecisionKind;
  readonly after: DecisionKind;
}

const NONE: readonly Suffix[] = [];

function ids(fs: readonly Formula[]): string {
  let s = '';
  for (const f of fs) s += `${f.id},`;
  return s;
}

function groupKey(g: readonly number[] | null): string {
  return g === null ? '*' : g.join('.');
}

/** Suffixes that differ only in their first group, merged (their union is one class). */
function mergeFirst(items: Suffix[], cellCount: number): Suffix[] {
  if (items.length < 2) return items;
  const byRest = new Map<string, { first: Suffix; union: Set<number> | null }>();
  for (const it of items) {
    const key = `${it.before}>${it.after}|${it.groups.slice(1).map(groupKey).join('|')}`;
    const g = it.groups[0] ?? null;
    const hit = byRest.get(key);
    if (hit === undefined) byRest.set(key, { first: it, union: g === null ? null : new Set(g) });
    else if (hit.union !== null) {
      if (g === null) hit.union = null;
      else for (const c of g) hit.union.add(c);
    }
  }
  if (byRest.size === items.length) return items;
  const out: Suffix[] = [];
  for (const { first, union } of byRest.values()) {
    const g = union === null || union.size === cellCount ? null : [...union].sort((a, b) => a - b);
    out.push({ ...first, groups: [g, ...first.groups.slice(1)] });
  }
  return out;
}

/** Every class of requests whose decision differs, as disjoint boxes of cells with a representative. */
export function searchChangedClasses(search: ClassSearch): ChangedClass[] {
  const { space } = search;
  const dims = space.dims;
  const n = dims.length;
  const store = space.store;
  const remI = dims.findIndex((d) => d.key === 'ip:remote');
  const srcI = dims.findIndex((d) => d.key === 'ip:source');
  const cells = new Array<number>(n).fill(-1);
  const groups = new Array<readonly number[] | null>(n).fill(null);
  const out: ChangedClass[] = [];
  // One memo for every context: the signatures say everything the context decides besides the
  // formulas, and the guard bits which dimensions apply below.
  const memo = new Map<string, readonly Suffix[]>();
  let contextKey = '';
  let sameSignature = false;

  const solve = (i: number, fb: readonly Formula[], fa: readonly Formula[], remoteAbsent: boolean): readonly Suffix[] => {
    const kb = ids(fb);
    const ka = ids(fa);
    if (sameSignature && kb === ka) return NONE;
    const key = `${contextKey}|${i}|${remoteAbsent ? 1 : 0}|${kb}|${ka}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let result: Suffix[];
    if (i === n) {
      search.onEvaluate?.();
      const [before, after] = search.evaluate(cells, groups);
      result = before === after ? [] : [{ cells: [], groups: [], before, after }];
    } else {
      const d = dims[i] as Dim;
      const choices = search.applies(d, cells) ? split(i, d, fb, fa, remoteAbsent) : undefined;
      result = [];
      if (choices === undefined) {
        cells[i] = -1;
        groups[i] = null;
        for (const s of solve(i + 1, fb, fa, remoteAbsent)) result.push({ ...s, cells: [-1, ...s.cells], groups: [null, ...s.groups] });
      } else {
        for (const g of choices) {
          const rep = search.nicest(d, g);
          const whole = g.length === d.cells.length ? null : g;
          cells[i] = rep;
          groups[i] = whole;
          const nb = fb.map((f) => store.restrict(f, i, rep));
          const na = fa.map((f) => store.restrict(f, i, rep));
          const absent = remoteAbsent || (i === remI && whole !== null && d.cells[rep]?.rep === undefined);
          for (const s of solve(i + 1, nb, na, absent)) result.push({ ...s, cells: [rep, ...s.cells], groups: [whole, ...s.groups] });
        }
        result = mergeFirst(result, d.cells.length);
      }
      cells[i] = -1;
      groups[i] = null;
    }
    memo.set(key, result);
    return result;
  };

  /** The cell groups of dimension `i` that the formulas' leaves on it tell apart. */
  const split = (i: number, d: Dim, fb: readonly Formula[], fa: readonly Formula[], remoteAbsent: boolean): number[][] => {
    const leaves = new Map<number, Formula>();
    for (const f of [...fb, ...fa]) if (f.dim === i) for (const l of store.leavesAtTop(f)) leaves.set(l.id, l);
    let candidates = d.cells.map((_, c) => c);
    // A request with a source address and no remote address has remote = source: with the remote
    // address absent, only an absent source address is a request of its own.
    if (i === srcI && remoteAbsent) candidates = candidates.filter((c) => d.cells[c]?.rep === undefined);
    if (leaves.size === 0) return candidates.length === 0 ? [] : [candidates];
    const tables = [...leaves.values()].map((l) => l.table as Uint8Array);
    const byKey = new Map<string, number[]>();
    for (const c of candidates) {
      let k = '';
      for (const t of tables) k += t[c] as number;
      const g = byKey.get(k);
      if (g === undefined) byKey.set(k, [c]);
      else g.push(c);
    }
    return [...byKey.values()];
  };

  forEachContext(space, search.applies, search.admits, cells, groups, () => {
    const i = space.contextEnd;
    const [b, a] = search.sides(cells, groups);
    sameSignature = b.signature === a.signature && b.formulas.length === a.formulas.length;
    contextKey = `${dims.map((d, j) => (j >= i && search.applies(d, cells) ? 1 : 0)).join('')}|${b.signature}|${a.signature}`;
    for (const s of solve(i, b.formulas, a.formulas, false)) {
      out.push({ cells: [...cells.slice(0, i), ...s.cells], groups: [...groups.slice(0, i), ...s.groups], before: s.before, after: s.after });
    }
  });
  return out;
}

/**
 * Calls `visit` once per context: each cell of each context dimension that applies (the others hold
 * -1), skipping contexts whose requests cannot occur. `cells` and `groups` (one entry per dimension)
 * hold the context while `visit` runs; dimensions before `from` keep what they hold.
 */
export function forEachContext(
  space: DiffSpace,
  applies: (d: Dim, cells: readonly number[]) => boolean,
  admits: (cells: readonly number[]) => boolean,
  cells: number[],
  groups: (readonly number[] | null)[],
  visit: () => void,
  from = 0,
): void {
  const dims = space.dims;
  const context = (i: number): void => {
    if (i === space.contextEnd) {
      if (admits(cells)) visit();
      return;
    }
    const d = dims[i] as Dim;
    if (!applies(d, cells)) {
      cells[i] = -1;
      groups[i] = null;
      context(i + 1);
      return;
    }
    for (let c = 0; c < d.cells.length; c++) {
      cells[i] = c;
      groups[i] = d.cells.length === 1 ? null : [c];
      context(i + 1);
    }
    cells[i] = -1;
    groups[i] = null;
  };
  context(from);
}
