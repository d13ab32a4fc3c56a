// Where a formula can be true: per dimension, the cells that some assignment making it TRUE uses (its
// projection). Dimensions before the formula's first one are fixed already (the context); a dimension
// it does not read projects to every cell. A formula's satisfiability depends on the formula alone
// (hash-consing makes equal functions one object), so it is memoized by id, and so is the split of a
// formula on its first dimension (cell groups its leaves tell apart, each with its restriction): the
// projections of many formulas of one store share that work. Pure.
import { F, type Formula } from './cell-formula.js';
import type { DiffSpace } from './side-formulas.js';

/** Per dimension, 1 for the cells some TRUE assignment uses (dimensions before the start stay unused). */
export type Projection = Uint8Array[];

interface Split {
  readonly groups: readonly (readonly number[])[];
  readonly children: readonly Formula[];
}

export class FormulaProjector {
  private readonly sat = new Map<number, boolean>();
  private readonly splits = new Map<number, Split>();

  constructor(private readonly space: DiffSpace) {}

  /** An empty projection (no cell of any dimension). */
  empty(): Projection {
    return this.space.dims.map((d) => new Uint8Array(d.cells.length));
  }

  /** Whether some assignment of the dimensions `f` reads makes it TRUE. */
  satisfiable(f: Formula): boolean {
    if (f.kind === F.FALSE) return false;
    if (f.kind === F.TRUE) return true;
    const hit = this.sat.get(f.id);
    if (hit !== undefined) return hit;
    const s = this.split(f);
    const out = s.children.some((c) => this.satisfiable(c));
    this.sat.set(f.id, out);
    return out;
  }

  /** Adds the projection of `f` over the dimensions from `from` on to `into`; false when `f` is never TRUE. */
  projectInto(f: Formula, from: number, into: Projection): boolean {
    if (!this.satisfiable(f)) return false;
    const n = this.space.dims.length;
    const visited = new Set<string>();
    const visit = (level: number, g: Formula): void => {
      const key = `${level}|${g.id}`;
      if (visited.has(key)) return;
      visited.add(key);
      const stop = g.kind === F.TRUE ? n : Math.min(g.dim, n);
      for (let j = level; j < stop; j++) (into[j] as Uint8Array).fill(1);
      if (stop >= n) return;
      const s = this.split(g);
      const here = into[stop] as Uint8Array;
      s.children.forEach((child, k) => {
        if (!this.satisfiable(child)) return;
        for (const c of s.groups[k] as readonly number[]) here[c] = 1;
        visit(stop + 1, child);
      });
    };
    visit(from, f);
    return true;
  }

  /** `f` split on its first dimension: groups of cells its leaves there tell apart, with the restriction of each. */
  private split(f: Formula): Split {
    let s = this.splits.get(f.id);
    if (s !== undefined) return s;
    const store = this.space.store;
    const i = f.dim;
    const cells = this.space.dims[i]?.cells.length ?? 0;
    const leaves = store.leavesAtTop(f).map((l) => l.table as Uint8Array);
    const byKey = new Map<string, number[]>();
    for (let c = 0; c < cells; c++) {
      let k = '';
      for (const t of leaves) k += t[c] as number;
      const list = byKey.get(k);
      if (list === undefined) byKey.set(k, [c]);
      else list.push(c);
    }
    const groups = [...byKey.values()];
    s = { groups, children: groups.map((g) => store.restrict(f, i, g[0] as number)) };
    this.splits.set(f.id, s);
    return s;
  }
}
