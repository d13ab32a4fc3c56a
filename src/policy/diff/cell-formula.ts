// Boolean formulas over the cells of the diff's dimensions (request-space.ts), hash-consed: two
// formulas that are built alike are one object, so a formula's `id` names its function. A leaf is a
// truth table over the cells of one dimension; AND, OR and NOT combine them. `restrict` fixes one
// dimension to one cell. The class search (class-search.ts) keys its memo on these ids: requests whose
// remaining formulas are the same objects decide alike, whatever got them there. Pure data, no I/O.

export const F = { FALSE: 0, TRUE: 1, LEAF: 2, AND: 3, OR: 4 } as const;
export type FormulaKind = (typeof F)[keyof typeof F];

export interface Formula {
  readonly id: number;
  readonly kind: FormulaKind;
  /** The smallest dimension index any leaf reads (Infinity for constants). */
  readonly dim: number;
  /** LEAF: 1 where the cell makes the leaf true. */
  readonly table: Uint8Array | null;
  readonly kids: readonly Formula[];
}

const NO_KIDS: readonly Formula[] = [];

function byId(a: Formula, b: Formula): number {
  return a.id - b.id;
}

function sameBits(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Builds and restricts formulas; one store per diff of one workload (ids are local to it). */
export class FormulaStore {
  readonly FALSE: Formula = { id: 0, kind: F.FALSE, dim: Number.POSITIVE_INFINITY, table: null, kids: NO_KIDS };
  readonly TRUE: Formula = { id: 1, kind: F.TRUE, dim: Number.POSITIVE_INFINITY, table: null, kids: NO_KIDS };
  private next = 2;
  private readonly byKey = new Map<string, Formula>();
  private readonly leavesByHash = new Map<number, Formula[]>();
  private readonly negated = new Map<number, Formula>();
  private readonly restricted = new Map<string, Formula>();
  private readonly leavesByFormula = new Map<number, readonly Formula[]>();

  /** The leaf of dimension `dim` true on the cells where `table` is; a constant when the table is. */
  leaf(dim: number, table: ArrayLike<boolean | number>): Formula {
    let ones = 0;
    let hash = dim | 0;
    const bits = new Uint8Array(table.length);
    for (let i = 0; i < table.length; i++) {
      const b = table[i] ? 1 : 0;
      bits[i] = b;
      ones += b;
      hash = (Math.imul(hash, 31) + b + 1) | 0;
    }
    if (ones === 0) return this.FALSE;
    if (ones === table.length) return this.TRUE;
    let bucket = this.leavesByHash.get(hash);
    if (bucket === undefined) this.leavesByHash.set(hash, (bucket = []));
    for (const f of bucket) if (f.dim === dim && sameBits(f.table as Uint8Array, bits)) return f;
    const f: Formula = { id: this.next++, kind: F.LEAF, dim, table: bits, kids: NO_KIDS };
    bucket.push(f);
    return f;
  }

  and(kids: readonly Formula[]): Formula {
    return this.combine(F.AND, kids);
  }

  or(kids: readonly Formula[]): Formula {
    return this.combine(F.OR, kids);
  }

  not(f: Formula): Formula {
    switch (f.kind) {
      case F.FALSE:
        return this.TRUE;
      case F.TRUE:
        return this.FALSE;
      case F.LEAF: {
        let out = this.negated.get(f.id);
        if (out === undefined) {
          const t = f.table as Uint8Array;
          const flipped = new Uint8Array(t.length);
          for (let i = 0; i < t.length; i++) flipped[i] = 1 - (t[i] as number);
          out = this.leaf(f.dim, flipped);
          this.negated.set(f.id, out);
        }
        return out;
      }
      case F.AND:
        return this.or(f.kids.map((k) => this.not(k)));
      default:
        return this.and(f.kids.map((k) => this.not(k)));
    }
  }

  /** `f` with dimension `dim` fixed to `cell`. Dimensions below `dim` must be fixed already. */
  restrict(f: Formula, dim: number, cell: number): Formula {
    if (f.dim !== dim) return f;
    if (f.kind === F.LEAF) return (f.table as Uint8Array)[cell] === 1 ? this.TRUE : this.FALSE;
    const key = `${f.id}:${cell}`;
    const hit = this.restricted.get(key);
    if (hit !== undefined) return hit;
    const kids = f.kids.map((k) => this.restrict(k, dim, cell));
    const out = f.kind === F.AND ? this.and(kids) : this.or(kids);
    this.restricted.set(key, out);
    return out;
  }

  /** The distinct leaves of dimension `f.dim` inside `f` (what splitting that dimension must respect). */
  leavesAtTop(f: Formula): readonly Formula[] {
    if (f.kind === F.LEAF) return [f];
    if (f.kind !== F.AND && f.kind !== F.OR) return NO_KIDS;
    const hit = this.leavesByFormula.get(f.id);
    if (hit !== undefined) return hit;
    const seen = new Map<number, Formula>();
    for (const k of f.kids) if (k.dim === f.dim) for (const l of this.leavesAtTop(k)) seen.set(l.id, l);
    const out = [...seen.values()];
    this.leavesByFormula.set(f.id, out);
    return out;
  }

  private combine(kind: typeof F.AND | typeof F.OR, input: readonly Formula[]): Formula {
    const absorbing = kind === F.AND ? this.FALSE : this.TRUE;
    const neutral = kind === F.AND ? this.TRUE : this.FALSE;
    const ids = new Map<number, Formula>();
    // Leaves of one dimension fold into one leaf (their tables ANDed or ORed).
    let folded: Map<number, { first: Formula; table: Uint8Array | null }> | undefined;
    for (const k of input) {
      if (k === absorbing) return absorbing;
      if (k === neutral) continue;
      // Flatten nested nodes of the same kind: one canonical form per function shape.
      const parts = k.kind === kind ? k.kids : [k];
      for (const g of parts) {
        if (g.kind !== F.LEAF) {
          ids.set(g.id, g);
          continue;
        }
        folded ??= new Map();
        const seen = folded.get(g.dim);
        if (seen === undefined) {
          folded.set(g.dim, { first: g, table: null });
          continue;
        }
        if (seen.first === g) continue;
        const t = (seen.table ??= Uint8Array.from(seen.first.table as Uint8Array));
        const gt = g.table as Uint8Array;
        if (kind === F.AND) for (let i = 0; i < t.length; i++) t[i] = (t[i] as number) & (gt[i] as number);
        else for (let i = 0; i < t.length; i++) t[i] = (t[i] as number) | (gt[i] as number);
      }
    }
    if (folded !== undefined) {
      for (const [dim, { first, table }] of folded) {
        const l = table === null ? first : this.leaf(dim, table);
        if (l === absorbing) return absorbing;
        if (l !== neutral) ids.set(l.id, l);
      }
    }
    if (ids.size === 0) return neutral;
    if (ids.size === 1) return ids.values().next().value as Formula;
    const kids = [...ids.values()].sort(byId);
    let key = kind === F.AND ? 'A' : 'O';
    let dim = Number.POSITIVE_INFINITY;
    for (const k of kids) {
      key += `${k.id},`;
      if (k.dim < dim) dim = k.dim;
    }
    const hit = this.byKey.get(key);
    if (hit !== undefined) return hit;
    const f: Formula = { id: this.next++, kind, dim, table: null, kids };
    this.byKey.set(key, f);
    return f;
  }
}
